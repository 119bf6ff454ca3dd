using System.Diagnostics;
using Seq2SeqService.Auth;
using Seq2SeqService.Endpoints.Compatible;
using Seq2SeqService.Errors;

namespace Seq2SeqService.Endpoints.LibreTranslate;

/// <summary>LibreTranslate's API at the root: POST /translate (bodies with <c>q</c>), GET /languages, POST /detect.</summary>
public static class LibreTranslateEndpoints
{
    public const string Group = "libretranslate";

    private static readonly string[] Forms = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"];

    public static void MapLibreTranslateEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/translate", TranslateAsync)
            .WithName("LibreTranslateTranslate")
            .WithTags("LibreTranslate")
            .WithGroupName(Group)
            .WithMetadata(LibreTranslateBodyMarker.Instance)
            .RequireApiKey(LibreTranslateDialect.Translation)
            .Accepts<LibreTranslateRequest>(Forms[0], Forms[1..])
            .Produces<LibreTranslateResponse>()
            .ProducesTranslationErrors<LibreTranslateError>();
        app.MapGet("/languages", Languages)
            .WithName("LibreTranslateLanguages")
            .WithTags("LibreTranslate")
            .WithGroupName(Group)
            .Produces<IReadOnlyList<LibreTranslateLanguage>>();
        app.MapPost("/detect", DetectAsync)
            .WithName("LibreTranslateDetect")
            .WithTags("LibreTranslate")
            .WithGroupName(Group)
            .RequireApiKey(LibreTranslateDialect.Unbilled)
            .Accepts<LibreTranslateDetectRequest>(Forms[0], Forms[1..])
            .Produces<IReadOnlyList<LibreTranslateDetection>>()
            .Produces<LibreTranslateError>(StatusCodes.Status400BadRequest)
            .Produces<LibreTranslateError>(StatusCodes.Status403Forbidden)
            .Produces<LibreTranslateError>(StatusCodes.Status429TooManyRequests);
    }

    /// <summary>Translates text or HTML (LibreTranslate API).</summary>
    /// <remarks>
    /// Shares its route with the native POST /translate: a body with <c>q</c> comes here. <c>q</c> is a string
    /// or an array of strings; <c>source</c> a code or <c>auto</c> (detected among the languages that have a
    /// model for <c>target</c>); <c>format: html</c> translates text nodes and keeps the markup. With keys
    /// configured, <c>api_key</c> is required. Errors are <c>{"error": "..."}</c>: 400 bad input or unsupported
    /// pair; 403 key; 413 too much estimated work; 422 the generated-token budget or the deadline passed; 429 request
    /// rate or character quota, and 503 full queue, stopping or an engine failure (both with Retry-After).
    /// </remarks>
    public static async Task<IResult> TranslateAsync(HttpContext context, CompatibleTranslator translator)
    {
        var arrived = Stopwatch.GetTimestamp();
        var fields = await DialectHelpers.FieldsAsync(context);
        if (fields.Error is { } unreadable)
        {
            return LibreTranslateDialect.Error(fields.ErrorStatus, unreadable);
        }

        var texts = fields.All("q");
        var many = fields.IsList("q") || texts.Count > 1;
        var problem = (fields.Invalid.Count > 0 ? $"Invalid request: {Echo.Truncate(fields.Invalid[0])} must be a string or an array of strings" : null)
                      ?? (fields.FirstList("source", "target", "format", "api_key") is { } list ? $"Invalid request: {list} must be a string" : null)
                      ?? Missing(fields, "q", "source", "target");
        if (problem is null && !many && string.IsNullOrWhiteSpace(texts[0]))
        {
            problem = "Invalid request: missing q parameter";
        }

        var format = fields.Get("format") ?? "text";
        if (problem is null && format is not ("text" or "html"))
        {
            problem = $"Invalid request: format must be 'text' or 'html', not '{Echo.Truncate(format)}'";
        }

        if (problem is not null)
        {
            return LibreTranslateDialect.Error(StatusCodes.Status400BadRequest, problem);
        }

        var source = fields.Get("source")!;
        var auto = source.Equals("auto", StringComparison.OrdinalIgnoreCase);
        try
        {
            var result = await translator.TranslateAsync(texts, "q", auto ? null : source, fields.Get("target")!,
                format == "html", Group, context.RequestAborted);
            DialectHelpers.Translated(context, result.Translation, Group, arrived);
            var detected = result.Detected is { } d ? new LibreTranslateDetection(d.Confidence, d.Language) : null;
            return TypedResults.Ok(new LibreTranslateResponse(
                many ? result.Texts : result.Texts[0],
                detected is null ? null : many ? Enumerable.Repeat(detected, texts.Count).ToList() : detected));
        }
        catch (TranslationFailedException e)
        {
            return TranslationErrorStatus.Answer(context, e.Error, status => LibreTranslateDialect.Error(status, e.Message));
        }
    }

    /// <summary>Languages the service translates from and to (LibreTranslate API).</summary>
    public static IReadOnlyList<LibreTranslateLanguage> Languages(LanguagePairs pairs) =>
        pairs.Sources.Concat(pairs.Targets).Distinct()
            .Select(code => new LibreTranslateLanguage(code, LanguageNames.Of(code), pairs.TargetsOf(code)))
            .ToList();

    /// <summary>Detects the language of a text among the languages the models translate from (LibreTranslate API).</summary>
    /// <remarks>Answers every candidate with its confidence (0–100), most likely first.</remarks>
    public static async Task<IResult> DetectAsync(HttpContext context, CompatibleTranslator translator)
    {
        var fields = await DialectHelpers.FieldsAsync(context);
        if (fields.Error is { } unreadable)
        {
            return LibreTranslateDialect.Error(fields.ErrorStatus, unreadable);
        }

        if (Missing(fields, "q") is { } problem)
        {
            return LibreTranslateDialect.Error(StatusCodes.Status400BadRequest, problem);
        }

        return TypedResults.Ok(translator.Detect(string.Join("\n", fields.All("q")))
            .Select(d => new LibreTranslateDetection(d.Confidence, d.Language)).ToList());
    }

    private static string? Missing(RequestFields fields, params string[] names) =>
        names.FirstOrDefault(n => !fields.Has(n)) is { } missing ? $"Invalid request: missing {missing} parameter" : null;
}
