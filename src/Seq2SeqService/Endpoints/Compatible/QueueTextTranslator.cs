using Microsoft.Extensions.Options;
using Seq2SeqService.Catalog;
using Seq2SeqService.Options;
using Seq2SeqService.Queue;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary><see cref="ITextTranslator"/> over the request queue: segment, enqueue, await, rejoin.</summary>
public sealed class QueueTextTranslator(IModelCatalog catalog, RequestQueue queue, IOptions<QueueOptions> queueOptions)
    : ITextTranslator
{
    public async Task<IReadOnlyList<string>> TranslateAsync(string modelName, IReadOnlyList<string> texts,
        CancellationToken cancellation)
    {
        if (!catalog.TryGet(modelName, out var model))
        {
            throw new TranslationRefusedException(RefusalReason.InvalidInput, $"'{modelName}' is not a loaded model.");
        }

        var segments = new List<Segment>();
        var segmentsPerText = new List<int>(texts.Count);
        foreach (var text in texts)
        {
            try
            {
                var split = InputSegmenter.Split(text, model);
                segments.AddRange(split);
                segmentsPerText.Add(split.Count);
            }
            catch (SentenceTooLongException e)
            {
                throw new TranslationRefusedException(RefusalReason.InvalidInput, e.Message);
            }
        }

        var retryAfter = queueOptions.Value.RetryAfterSeconds;
        var job = new TranslationJob(model, model.Defaults, segments, cancellation);
        switch (queue.TryEnqueue(job))
        {
            case EnqueueResult.Full:
                throw new TranslationRefusedException(RefusalReason.Busy, "The request queue is full; retry shortly.", retryAfter);
            case EnqueueResult.Stopping:
                throw new TranslationRefusedException(RefusalReason.Stopping, "The service is shutting down.", retryAfter);
        }

        try
        {
            var outputs = await job.Completion;
            return TranslationAssembler.Assemble(segmentsPerText, segments, outputs).Select(t => t.Text).ToList();
        }
        catch (JobRejectedException e)
        {
            var reason = e.StatusCode == StatusCodes.Status503ServiceUnavailable ? RefusalReason.Stopping : RefusalReason.InvalidInput;
            throw new TranslationRefusedException(reason, e.Message, retryAfter);
        }
    }
}
