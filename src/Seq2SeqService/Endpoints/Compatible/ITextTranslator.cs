namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>
/// What the compatible APIs need from the translation service: plain texts in, one translation per text out,
/// with the model's own generation defaults, as one job. <c>fragments</c>: the texts were cut from fewer
/// client texts (markup text nodes), so their count is not held to <c>MaxTexts</c>; their work still is, together.
/// Failures are <see cref="TranslationRefusedException"/>s.
/// </summary>
public interface ITextTranslator
{
    Task<IReadOnlyList<string>> TranslateAsync(string model, IReadOnlyList<string> texts, bool fragments,
        CancellationToken cancellation);
}

/// <summary>Why a translation could not be served.</summary>
public enum RefusalReason
{
    /// <summary>The client's input cannot be translated (e.g. a sentence longer than the model accepts).</summary>
    InvalidInput,

    /// <summary>The service is busy; retry after <see cref="TranslationRefusedException.RetryAfterSeconds"/>.</summary>
    Busy,

    /// <summary>
    /// The request asks for more than the service gives one request (estimated work, generated tokens, or time
    /// to its deadline): sent again unchanged it fails again, so the client must send less.
    /// </summary>
    TooLarge,

    /// <summary>The service is shutting down, or the engine failed on the request's batch (logged there).</summary>
    Stopping,
}

public sealed class TranslationRefusedException(RefusalReason reason, string message, int retryAfterSeconds = 0)
    : Exception(message)
{
    public RefusalReason Reason { get; } = reason;

    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
