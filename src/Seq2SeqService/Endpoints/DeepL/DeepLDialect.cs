using Seq2SeqService.Auth;
using Seq2SeqService.Endpoints.Compatible;

namespace Seq2SeqService.Endpoints.DeepL;

/// <summary>
/// DeepL's key handling: <c>Authorization: DeepL-Auth-Key &lt;key&gt;</c>; refusals as DeepL sends them:
/// 403 for the key, 429 for the request rate, 456 for the character quota, each with <c>{"message"}</c>.
/// </summary>
/// <param name="bill">Counts the characters charged against the quota.</param>
public sealed class DeepLDialect(Func<HttpContext, ValueTask<long>> bill) : IApiDialect
{
    /// <summary>Bills the characters of the named fields (none outside translation).</summary>
    public DeepLDialect(params string[] billedFields)
        : this(context => DialectHelpers.CharactersAsync(context, billedFields))
    {
    }

    public const int QuotaExceededStatus = 456;

    public static DeepLDialect Translation { get; } = new("text");

    public static DeepLDialect Unbilled { get; } = new();

    /// <summary>Bills the paragraphs of documents uploaded to /v2/document.</summary>
    public static DeepLDialect Document { get; } = new(DocumentUploads.BillableCharactersAsync);

    public ValueTask<string?> ReadKeyAsync(HttpContext context) =>
        ValueTask.FromResult(DialectHelpers.AuthorizationCredential(context, "DeepL-Auth-Key"));

    public ValueTask<long> BillableCharactersAsync(HttpContext context) => bill(context);

    public IResult Unauthorized(bool keyPresented) => Error(StatusCodes.Status403Forbidden, keyPresented
        ? "Wrong auth key."
        : "Missing auth key: send 'Authorization: DeepL-Auth-Key <key>'.");

    public IResult TooManyRequests() => Error(StatusCodes.Status429TooManyRequests, "Too many requests.");

    public IResult QuotaExceeded(long used, long limit) =>
        Error(QuotaExceededStatus, $"Quota exceeded: {used} of {limit} characters used this month.");

    public static IResult Error(int status, string message) =>
        TypedResults.Json(new DeepLError(message), statusCode: status);
}
