using Seq2SeqService.Application;
using Seq2SeqService.Auth;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>
/// The one table from the translation service's error kinds to HTTP, shared by the native, LibreTranslate and
/// DeepL APIs (docs/api.md#errors): each API only wraps the status in its own body, so that a client of any of them
/// can tell from the status alone whether to fix the request, send less, or retry.
/// </summary>
public static class TranslationErrorStatus
{
    /// <summary>What the client's request is answered with when it failed for <paramref name="kind"/>.</summary>
    public static int Of(TranslationErrorKind kind) => kind switch
    {
        TranslationErrorKind.InvalidRequest => StatusCodes.Status400BadRequest,
        TranslationErrorKind.TooMuchWork => StatusCodes.Status413PayloadTooLarge,
        TranslationErrorKind.LimitExceeded => StatusCodes.Status422UnprocessableEntity,
        // An engine failure fails every request of the batch, whoever's row caused it, and a retry runs in another
        // batch; 500 stays for the service's own faults (ErrorHandling), so the compatible APIs' clients never see it.
        TranslationErrorKind.Overloaded or TranslationErrorKind.Stopping or TranslationErrorKind.Failed =>
            StatusCodes.Status503ServiceUnavailable,
        TranslationErrorKind.Cancelled => StatusCodes.Status499ClientClosedRequest,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Documents, in an API's own <typeparamref name="TError"/> body, every status a translation can fail with: this
    /// table's, and the key check's 403 and the rate limit's 429.
    /// </summary>
    public static RouteHandlerBuilder ProducesTranslationErrors<TError>(this RouteHandlerBuilder builder) => builder
        .Produces<TError>(StatusCodes.Status400BadRequest)
        .Produces<TError>(StatusCodes.Status403Forbidden)
        .Produces<TError>(StatusCodes.Status413PayloadTooLarge)
        .Produces<TError>(StatusCodes.Status422UnprocessableEntity)
        .Produces<TError>(StatusCodes.Status429TooManyRequests)
        .Produces<TError>(StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// The answer to <paramref name="error"/>: <paramref name="body"/> shapes it for the API; the status and the
    /// <c>Retry-After</c> of a 503 (the service's estimate) are set here. A client that has gone gets nothing.
    /// </summary>
    public static IResult Answer(HttpContext context, TranslationError error, Func<int, IResult> body)
    {
        var status = Of(error.Kind);
        if (status == StatusCodes.Status499ClientClosedRequest)
        {
            return Results.Empty;
        }

        // A streamed answer has sent its headers already; its error event carries the wait instead.
        if (status == StatusCodes.Status503ServiceUnavailable && error.RetryAfter is { } wait && !context.Response.HasStarted)
        {
            context.Response.Headers.RetryAfter = RetryAfter.Seconds(wait);
        }

        return body(status);
    }
}
