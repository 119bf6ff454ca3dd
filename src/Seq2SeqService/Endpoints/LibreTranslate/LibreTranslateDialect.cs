using Seq2SeqService.Auth;
using Seq2SeqService.Endpoints.Compatible;

namespace Seq2SeqService.Endpoints.LibreTranslate;

/// <summary>
/// LibreTranslate's key handling: <c>api_key</c> among the parameters (also <c>apiKey</c>, which the
/// <c>libretranslate</c> npm client sends), refusals as <c>{"error"}</c> with 403 and 429.
/// </summary>
/// <param name="bill">Counts the characters charged against the quota.</param>
public sealed class LibreTranslateDialect(Func<HttpContext, ValueTask<long>> bill) : IApiDialect
{
    /// <summary>Bills the characters of the named fields (none outside translation).</summary>
    public LibreTranslateDialect(params string[] billedFields)
        : this(context => DialectHelpers.CharactersAsync(context, billedFields))
    {
    }

    public static LibreTranslateDialect Translation { get; } = new("q");

    public static LibreTranslateDialect Unbilled { get; } = new();

    /// <summary>Bills the paragraphs of files uploaded to /translate_file.</summary>
    public static LibreTranslateDialect Document { get; } = new(DocumentUploads.BillableCharactersAsync);

    public async ValueTask<string?> ReadKeyAsync(HttpContext context)
    {
        var fields = await DialectHelpers.FieldsAsync(context);
        return fields.Get("api_key") ?? fields.Get("apiKey");
    }

    public ValueTask<long> BillableCharactersAsync(HttpContext context) => bill(context);

    public IResult Unauthorized(bool keyPresented) =>
        Error(StatusCodes.Status403Forbidden, keyPresented ? "Invalid API key" : "Please provide an API key (api_key)");

    public IResult TooManyRequests() =>
        Error(StatusCodes.Status429TooManyRequests, "Too many requests for this API key; slow down");

    public IResult QuotaExceeded(long used, long limit) => Error(StatusCodes.Status429TooManyRequests,
        $"This API key has used {used} of its {limit} characters this month");

    public static IResult Error(int status, string message) =>
        TypedResults.Json(new LibreTranslateError(message), statusCode: status);
}
