using System.Diagnostics;
using Seq2SeqService.Auth;
using Seq2SeqService.Endpoints.Compatible;
using Seq2SeqService.Errors;

namespace Seq2SeqService.Endpoints.DeepL;

/// <summary>DeepL's API v2: POST /v2/translate, GET|POST /v2/languages, GET|POST /v2/usage.</summary>
public static class DeepLEndpoints
{
    public const string Group = "deepl";

    /// <summary>What DeepL reports as the limit of an account without one.</summary>
    public const long NoLimit = 1_000_000_000_000;

    public static void MapDeepLEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v2/translate", TranslateAsync)
            .WithName("DeepLTranslate")
            .WithTags("DeepL")
            .WithGroupName(Group)
            .RequireApiKey(DeepLDialect.Translation)
            .Accepts<DeepLTranslateRequest>("application/x-www-form-urlencoded", "application/json", "multipart/form-data")
            .Produces<DeepLTranslateResponse>()
            .ProducesTranslationErrors<DeepLError>()
            .Produces<DeepLError>(DeepLDialect.QuotaExceededStatus);
        app.MapMethods("/v2/languages", ["GET", "POST"], LanguagesAsync)
            .WithName("DeepLLanguages")
            .WithTags("DeepL")
            .WithGroupName(Group)
            .RequireApiKey(DeepLDialect.Unbilled, metered: false)
            .Produces<IReadOnlyList<DeepLLanguage>>()
            .Produces<DeepLError>(StatusCodes.Status400BadRequest)
            .Produces<DeepLError>(StatusCodes.Status403Forbidden);
        app.MapMethods("/v2/usage", ["GET", "POST"], Usage)
            .WithName("DeepLUsage")
            .WithTags("DeepL")
            .WithGroupName(Group)
            .RequireApiKey(DeepLDialect.Unbilled, metered: false)
            .Produces<DeepLUsage>()
            .Produces<DeepLError>(StatusCodes.Status403Forbidden);
    }

    /// <summary>Translates texts (DeepL API v2).</summary>
    /// <remarks>
    /// Form-urlencoded (repeat <c>text</c>) or JSON. <c>target_lang</c> and <c>source_lang</c> in any case;
    /// regional variants (EN-GB, EN-US, PT-BR…) map to their language; without <c>source_lang</c> the source is
    /// detected. <c>tag_handling=html|xml</c> translates text and keeps markup. Other DeepL parameters
    /// (<c>formality</c>, <c>split_sentences</c>, <c>show_billed_characters</c>…) are accepted and ignored.
    /// Errors: 400 <c>{"message"}</c>, 403 key, 413 too much estimated work, 422 the generated-token budget or the
    /// deadline passed, 429 request rate (Retry-After), 456 character quota, 503 full queue, stopping or an engine
    /// failure (Retry-After).
    /// </remarks>
    public static async Task<IResult> TranslateAsync(HttpContext context, CompatibleTranslator translator)
    {
        var arrived = Stopwatch.GetTimestamp();
        var fields = await DialectHelpers.FieldsAsync(context);
        if (fields.Error is { } unreadable)
        {
            return DeepLDialect.Error(fields.ErrorStatus, unreadable);
        }

        var problem = (fields.Invalid.Count > 0 ? $"Value for '{Echo.Truncate(fields.Invalid[0])}' not supported." : null) ??
                      (fields.FirstList("target_lang", "source_lang", "tag_handling") is { } list ? $"Value for '{list}' not supported." : null) ??
                      (!fields.Has("text") ? "Parameter 'text' not specified." : null) ??
                      (string.IsNullOrWhiteSpace(fields.Get("target_lang")) ? "Parameter 'target_lang' not specified." : null);
        if (problem is not null)
        {
            return DeepLDialect.Error(StatusCodes.Status400BadRequest, problem);
        }

        var texts = fields.All("text");
        var source = fields.Get("source_lang") is { Length: > 0 } given ? DeepLLanguageCodes.ToModel(given) : null;
        var markup = fields.Get("tag_handling") is "html" or "xml";
        try
        {
            var result = await translator.TranslateAsync(texts, "text", source,
                DeepLLanguageCodes.ToModel(fields.Get("target_lang")!), markup, Group, context.RequestAborted);
            DialectHelpers.Translated(context, result.Translation, Group, arrived);
            var detected = DeepLLanguageCodes.ToDeepL(result.Source);
            return TypedResults.Ok(new DeepLTranslateResponse(result.Texts
                .Select((text, i) => new DeepLTranslation(detected, text, DialectHelpers.Characters(texts[i])))
                .ToList()));
        }
        catch (TranslationFailedException e)
        {
            return TranslationErrorStatus.Answer(context, e.Error, status => DeepLDialect.Error(status, e.Message));
        }
    }

    /// <summary>Source or target languages (DeepL API v2).</summary>
    /// <remarks><c>type=source</c> (default) or <c>type=target</c>, as a query or form parameter.</remarks>
    public static async Task<IResult> LanguagesAsync(HttpContext context, LanguagePairs pairs)
    {
        var fields = await DialectHelpers.FieldsAsync(context);
        if (fields.Error is { } unreadable)
        {
            return DeepLDialect.Error(fields.ErrorStatus, unreadable);
        }

        if (fields.Invalid.Contains("type") || fields.FirstList("type") is not null)
        {
            return DeepLDialect.Error(StatusCodes.Status400BadRequest, "Value for 'type' not supported.");
        }

        return (fields.Get("type") ?? "source") switch
        {
            "source" => TypedResults.Ok(pairs.Sources
                .Select(code => new DeepLLanguage(DeepLLanguageCodes.ToDeepL(code), LanguageNames.Of(code), null)).ToList()),
            "target" => TypedResults.Ok(pairs.Targets
                .SelectMany(code => DeepLLanguageCodes.TargetCodes(code, LanguageNames.Of(code)))
                .Select(language => new DeepLLanguage(language.Code, language.Name, false)).ToList()),
            var other => DeepLDialect.Error(StatusCodes.Status400BadRequest, $"Value for 'type' not supported: '{Echo.Truncate(other)}'."),
        };
    }

    /// <summary>Characters this key translated this calendar month and its limit (DeepL API v2).</summary>
    public static DeepLUsage Usage(HttpContext context, CharacterQuota quota)
    {
        var caller = ApiCaller.Of(context) ?? ApiCaller.Anonymous;
        return new DeepLUsage(quota.Used(caller), caller.CharactersPerMonth > 0 ? caller.CharactersPerMonth : NoLimit);
    }
}
