using Microsoft.AspNetCore.Routing.Matching;
using Seq2SeqService.Endpoints.Compatible;

namespace Seq2SeqService.Endpoints.LibreTranslate;

/// <summary>Endpoint metadata: this endpoint shares its route with the native one and takes bodies with <c>q</c>.</summary>
public sealed class LibreTranslateBodyMarker
{
    public static LibreTranslateBodyMarker Instance { get; } = new();
}

/// <summary>
/// POST /translate serves both APIs: a body with <c>q</c> (JSON, form-urlencoded or multipart) is
/// LibreTranslate's, and so is a form that cannot be read; anything else is the native API's, which then answers
/// exactly as it always has — a readable body without <c>q</c> that is not JSON still gets the native 415.
/// </summary>
public sealed class SharedTranslateRoutePolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    private static readonly Endpoint UnsupportedMediaType = new(context =>
    {
        context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        return Task.CompletedTask;
    }, EndpointMetadataCollection.Empty, "415 HTTP Unsupported Media Type");

    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<LibreTranslateBodyMarker>() is not null);

    public async Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var libre = -1;
        var others = new List<int>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i))
            {
                continue;
            }

            if (candidates[i].Endpoint.Metadata.GetMetadata<LibreTranslateBodyMarker>() is null)
            {
                others.Add(i);
            }
            else
            {
                libre = i;
            }
        }

        if (libre < 0)
        {
            return;
        }

        // The native API reads JSON only, so a well-formed form that cannot be read (too many fields, a charset .NET
        // cannot decode) is taken for LibreTranslate's and refused in its shape; a readable form without q, or a body
        // that only claims to be a form (multipart without a boundary), gets the native 415.
        var fields = await DialectHelpers.FieldsAsync(httpContext);
        if (fields.Error is null ? fields.Has("q") || fields.IsList("q") : fields.IsForm)
        {
            others.ForEach(i => candidates.SetValidity(i, false));
        }
        else if (others.Count > 0)
        {
            candidates.SetValidity(libre, false);
        }
        else
        {
            candidates.ReplaceEndpoint(libre, UnsupportedMediaType, null);
        }
    }
}
