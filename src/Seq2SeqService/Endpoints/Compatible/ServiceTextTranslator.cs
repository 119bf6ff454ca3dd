using Microsoft.Extensions.Options;
using Seq2SeqService.Application;
using Seq2SeqService.Options;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary><see cref="ITextTranslator"/> over the <see cref="TranslationService"/>, its errors as refusals.</summary>
public sealed class ServiceTextTranslator(TranslationService service, IOptions<QueueOptions> queueOptions) : ITextTranslator
{
    public async Task<IReadOnlyList<string>> TranslateAsync(string model, IReadOnlyList<string> texts,
        CancellationToken cancellation)
    {
        var outcome = await service.TranslateAsync(new TranslationCommand(texts, model), cancellation);
        if (outcome.Succeeded)
        {
            return outcome.Result.Texts.Select(t => t.Best.Text).ToList();
        }

        var retryAfter = queueOptions.Value.RetryAfterSeconds;
        throw outcome.Error.Kind switch
        {
            TranslationErrorKind.InvalidRequest or TranslationErrorKind.SentenceTooLong =>
                new TranslationRefusedException(RefusalReason.InvalidInput, outcome.Error.Message),
            TranslationErrorKind.Overloaded => new TranslationRefusedException(RefusalReason.Busy, outcome.Error.Message, retryAfter),
            TranslationErrorKind.Cancelled => new OperationCanceledException(outcome.Error.Message, cancellation),
            _ => new TranslationRefusedException(RefusalReason.Stopping, outcome.Error.Message, retryAfter),
        };
    }
}
