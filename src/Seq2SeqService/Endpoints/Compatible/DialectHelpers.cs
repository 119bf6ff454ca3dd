using Microsoft.Extensions.Options;
using Seq2SeqService.Auth;
using Seq2SeqService.Options;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>What the three API dialects share: reading the request's fields and counting their characters.</summary>
public static class DialectHelpers
{
    public static Task<RequestFields> FieldsAsync(HttpContext context) =>
        RequestFields.ReadAsync(context,
            context.RequestServices.GetRequiredService<IOptions<RequestLimitsOptions>>().Value.MaxRequestBodyBytes);

    /// <summary>Characters (Unicode scalar values, as DeepL bills them) of every value of the named fields.</summary>
    public static async ValueTask<long> CharactersAsync(HttpContext context, params string[] fields)
    {
        if (fields.Length == 0)
        {
            return 0;
        }

        var read = await FieldsAsync(context);
        return fields.SelectMany(read.All).Sum(Characters);
    }

    /// <summary>
    /// The status a compatible API answers a refusal with: 400 for the client's input, the API's own
    /// <paramref name="tooLargeStatus"/> for a request over the per-request limits (no <c>Retry-After</c>: the
    /// same request would fail again), 429 for a full queue (which their clients retry) and 503 while stopping,
    /// the last two with <c>Retry-After</c>.
    /// </summary>
    public static int RefusalStatus(HttpContext context, TranslationRefusedException refusal, int tooLargeStatus)
    {
        switch (refusal.Reason)
        {
            case RefusalReason.InvalidInput:
                return StatusCodes.Status400BadRequest;
            case RefusalReason.TooLarge:
                return tooLargeStatus;
        }

        context.Response.Headers.RetryAfter = RetryAfter.Seconds(TimeSpan.FromSeconds(refusal.RetryAfterSeconds));
        return refusal.Reason == RefusalReason.Busy
            ? StatusCodes.Status429TooManyRequests
            : StatusCodes.Status503ServiceUnavailable;
    }

    public static long Characters(string text) => text.EnumerateRunes().Count();

    /// <summary>The value after <paramref name="scheme"/> in the Authorization header, or <see langword="null"/>.</summary>
    public static string? AuthorizationCredential(HttpContext context, string scheme)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.Length > scheme.Length + 1 && header.StartsWith(scheme + " ", StringComparison.OrdinalIgnoreCase)
            ? header[(scheme.Length + 1)..].Trim()
            : null;
    }
}

/// <summary>A result with one extra response header.</summary>
public sealed class WithHeaderResult(IResult inner, string name, string value) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers[name] = value;
        return inner.ExecuteAsync(httpContext);
    }
}
