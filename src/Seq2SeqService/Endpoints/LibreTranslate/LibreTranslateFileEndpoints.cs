using Microsoft.Extensions.Options;
using Seq2SeqService.Application;
using Seq2SeqService.Auth;
using Seq2SeqService.Documents;
using Seq2SeqService.Endpoints.Compatible;
using Seq2SeqService.Options;

namespace Seq2SeqService.Endpoints.LibreTranslate;

/// <summary>LibreTranslate's file translation and the settings its page reads (docs/documents.md).</summary>
public static class LibreTranslateFileEndpoints
{
    public static void MapLibreTranslateFileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/translate_file", TranslateFileAsync)
            .WithName("LibreTranslateTranslateFile")
            .WithTags("LibreTranslate")
            .WithGroupName(LibreTranslateEndpoints.Group)
            .RequireApiKey(LibreTranslateDialect.Document)
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<LibreTranslateFileResponse>()
            .ProducesTranslationErrors<LibreTranslateError>();
        app.MapGet("/download_file/{name}", DownloadAsync)
            .WithName("LibreTranslateDownloadFile")
            .WithTags("LibreTranslate")
            .WithGroupName(LibreTranslateEndpoints.Group)
            .RequireApiKey(LibreTranslateDialect.Unbilled, metered: false)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces<LibreTranslateError>(StatusCodes.Status403Forbidden)
            .Produces<LibreTranslateError>(StatusCodes.Status404NotFound);
        app.MapGet("/frontend/settings", FrontendSettings)
            .WithName("LibreTranslateFrontendSettings")
            .WithTags("LibreTranslate")
            .WithGroupName(LibreTranslateEndpoints.Group)
            .Produces<LibreTranslateFrontendSettings>();
    }

    /// <summary>Translates a file (LibreTranslate API).</summary>
    /// <remarks>
    /// Multipart: <c>file</c> (a format <c>GET /frontend/settings</c> lists in <c>supportedFilesFormat</c>), <c>source</c> (a code or <c>auto</c>), <c>target</c>, <c>api_key</c>.
    /// Answers once the file is translated, as LibreTranslate does, with the URL to GET it from; the URL's name is
    /// unguessable and, on a service with keys, opens only with the key that uploaded. Errors are <c>{"error"}</c>:
    /// 400 bad input or unsupported format, 403 key, 413 file too large, 429 rate or quota, and the text API's
    /// statuses when the translation fails.
    /// </remarks>
    public static async Task<IResult> TranslateFileAsync(HttpContext context, DocumentWorker worker,
        DocumentCompletions completions)
    {
        var upload = await DocumentUploads.ReadAsync(context);
        var fields = await DialectHelpers.FieldsAsync(context);
        if (upload.Problem is { } refused)
        {
            return LibreTranslateDialect.Error(upload.Status, refused);
        }

        if (new[] { "source", "target" }.FirstOrDefault(f => string.IsNullOrWhiteSpace(fields.Get(f))) is { } missing)
        {
            return LibreTranslateDialect.Error(StatusCodes.Status400BadRequest, $"Invalid request: missing {missing} parameter");
        }

        try
        {
            var source = fields.Get("source")!;
            var (model, from, to) = DocumentUploads.ResolvePair(context, upload,
                source.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : source, fields.Get("target")!);
            var submitted = await DocumentUploads.SubmitAsync(context, worker, upload, model, from, to, LibreTranslateEndpoints.Group);
            var job = await completions.WhenFinishedAsync(submitted.Id, context.RequestAborted);
            if (job is { Status: DocumentStatus.Error })
            {
                throw new TranslationFailedException(new TranslationError(job.ErrorKind ?? TranslationErrorKind.Failed,
                    job.ErrorMessage ?? "The file could not be translated."));
            }

            var url = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/download_file/{submitted.DownloadName}";
            return TypedResults.Ok(new LibreTranslateFileResponse(url));
        }
        catch (TranslationFailedException e)
        {
            return TranslationErrorStatus.Answer(context, e.Error, status => LibreTranslateDialect.Error(status, e.Message));
        }
    }

    /// <summary>A translated file (LibreTranslate API).</summary>
    /// <remarks>With keys configured, only the key that uploaded it opens it; anyone else gets 404, as for a name never issued.</remarks>
    public static async Task<IResult> DownloadAsync(HttpContext context, string name, IDocumentStore store)
    {
        if (DocumentJob.ParseDownloadName(name) is not var (id, key) ||
            await store.GetAsync(id, context.RequestAborted) is not { } job || !job.HasKey(key) ||
            job.Owner != (ApiCaller.Of(context) ?? ApiCaller.Anonymous).Name ||
            job.Status != DocumentStatus.Done ||
            await store.ReadTranslationAsync(id, context.RequestAborted) is not { } translated)
        {
            return LibreTranslateDialect.Error(StatusCodes.Status404NotFound, "File not found");
        }

        return TypedResults.File(translated, DocumentFormat.Named(job.Format)!.MediaType, job.FileName);
    }

    /// <summary>What LibreTranslate's page reads before it shows its controls (LibreTranslate API).</summary>
    public static LibreTranslateFrontendSettings FrontendSettings(LanguagePairs pairs, ApiKeyStore keys,
        IOptions<RequestLimitsOptions> limits)
    {
        var source = pairs.Sources.FirstOrDefault() ?? "en";
        var target = pairs.TargetsOf(source).FirstOrDefault() ?? source;
        return new LibreTranslateFrontendSettings(limits.Value.MaxTextLength, 500, keys.Enabled, keys.Enabled, false, true,
            DocumentUploads.Extensions,
            new LibreTranslateDefaultPair(new LibreTranslateNamedLanguage(source, LanguageNames.Of(source)),
                new LibreTranslateNamedLanguage(target, LanguageNames.Of(target))));
    }
}
