using Microsoft.Extensions.Options;
using Seq2SeqService.Application;
using Seq2SeqService.Options;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary><see cref="ITextTranslator"/> over the <see cref="TranslationService"/>, its errors as refusals.</summary>
public sealed class ServiceTextTranslator(TranslationService service, IOptions<QueueOptions> queueOptions) : ITextTranslator
{
    public async Task<IReadOnlyList<string>> TranslateAsync(string model, IReadOnlyList<string> texts, bool fragments,
        CancellationToken cancellation)
    {
        var outcome = await service.TranslateAsync(new TranslationCommand(texts, model, Fragments: fragments), cancellation);
        if (outcome.Succeeded)
        {
            return outcome.Result.Texts.Select(t => t.Best.Text).ToList();
        }

        var error = outcome.Error;
        var retryAfter = error.RetryAfter is { } wait
            ? (int)Math.Ceiling(wait.TotalSeconds)
            : queueOptions.Value.RetryAfterSeconds;
        throw error.Kind switch
        {
            TranslationErrorKind.InvalidRequest =>
                new TranslationRefusedException(RefusalReason.InvalidInput, error.Message),
            TranslationErrorKind.TooMuchWork or TranslationErrorKind.LimitExceeded =>
                new TranslationRefusedException(RefusalReason.TooLarge, error.Message),
            TranslationErrorKind.Overloaded => new TranslationRefusedException(RefusalReason.Busy, error.Message, retryAfter),
            TranslationErrorKind.Cancelled => new OperationCanceledException(error.Message, cancellation),
            // Stopping, and Failed: the engine's failure is logged, and a retry runs in another batch.
            _ => new TranslationRefusedException(RefusalReason.Stopping, error.Message, retryAfter),
        };
    }
}
