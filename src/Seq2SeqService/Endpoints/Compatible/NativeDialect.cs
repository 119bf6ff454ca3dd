using Seq2SeqService.Auth;
using Seq2SeqService.Errors;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>
/// The native API's key handling: <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-API-Key</c>, refusals as
/// application/problem+json (401 for the key, 429 for the rate and the quota).
/// </summary>
/// <param name="bill">Counts the characters charged against the quota.</param>
public sealed class NativeDialect(Func<HttpContext, ValueTask<long>> bill) : IApiDialect
{
    /// <summary>Bills the characters of the named body fields (none for /tokenize).</summary>
    public NativeDialect(params string[] billedFields)
        : this(context => DialectHelpers.CharactersAsync(context, billedFields))
    {
    }

    /// <summary>POST /translate: <c>text</c> and <c>texts</c> are billed.</summary>
    public static NativeDialect Translation { get; } = new("text", "texts");

    /// <summary>Endpoints that translate nothing.</summary>
    public static NativeDialect Unbilled { get; } = new();

    /// <summary>POST /documents: the paragraphs of the uploaded document, as the compatible APIs bill theirs.</summary>
    public static NativeDialect Document { get; } = new(DocumentUploads.BillableCharactersAsync);

    public ValueTask<string?> ReadKeyAsync(HttpContext context) =>
        ValueTask.FromResult(DialectHelpers.AuthorizationCredential(context, "Bearer") ??
                             (context.Request.Headers.TryGetValue("X-API-Key", out var key) ? key.ToString() : null));

    public ValueTask<long> BillableCharactersAsync(HttpContext context) => bill(context);

    public IResult Unauthorized(bool keyPresented) => new WithHeaderResult(
        Problems.Create(StatusCodes.Status401Unauthorized, "Unauthorized", keyPresented
            ? "The API key is not valid."
            : "This service needs an API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."),
        "WWW-Authenticate", "Bearer");

    public IResult TooManyRequests() => Problems.Create(StatusCodes.Status429TooManyRequests, "Too many requests",
        "This API key's request rate is used up; retry after the seconds in Retry-After.");

    public IResult QuotaExceeded(long used, long limit) => Problems.Create(StatusCodes.Status429TooManyRequests,
        "Character quota exceeded",
        $"This API key has used {used} of its {limit} characters this month; this request would exceed the quota.");
}
