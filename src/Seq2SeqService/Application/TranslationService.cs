using Microsoft.Extensions.Options;
using Seq2Seq.Inference.Generation;
using Seq2SeqService.Catalog;
using Seq2SeqService.Options;
using Seq2SeqService.Queue;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Application;

/// <summary>
/// The application layer between the HTTP front-ends and the scheduler: validates a command against the
/// service limits and the model, segments its texts, admits the job to the queue, awaits the scheduler and
/// assembles one translation per text. Every way it can fail comes back as a <see cref="TranslationError"/>;
/// which HTTP status that becomes is each front-end's decision.
/// </summary>
public sealed class TranslationService(IModelCatalog catalog, RequestQueue queue, IOptions<RequestLimitsOptions> limits)
{
    public async Task<TranslationOutcome> TranslateAsync(TranslationCommand command, CancellationToken cancellation)
    {
        var errors = new Dictionary<string, string[]>();
        CheckTexts(command.Texts, errors);
        CheckServiceLimits(command.Options, errors);
        var model = ModelSelection.Resolve(catalog, command.Model, errors);
        var settings = model is null ? null : ResolveSettings(model, command.Options, errors);
        if (command.Options?.ReturnAttention == true && model is { ProvidesAttention: false })
        {
            errors["options.return_attention"] = [$"is not available with model '{model.Name}' ({model.Architecture}): its decoder outputs no attention."];
        }

        if (errors.Count > 0 || model is null || settings is null)
        {
            return Failure(TranslationErrorKind.InvalidRequest, errors,
                string.Join(" ", errors.Select(f => $"{f.Key} {string.Join(" ", f.Value)}")));
        }

        var segments = new List<Segment>();
        var segmentsPerText = new List<int>(command.Texts.Count);
        for (var i = 0; i < command.Texts.Count; i++)
        {
            try
            {
                var split = InputSegmenter.Split(command.Texts[i], model);
                segments.AddRange(split);
                segmentsPerText.Add(split.Count);
            }
            catch (SentenceTooLongException e)
            {
                return Failure(TranslationErrorKind.SentenceTooLong, new() { [TextPath(i)] = [e.Message] },
                    $"{TextPath(i)}: {e.Message}");
            }
        }

        var job = new TranslationJob(model, settings, segments, cancellation) { ReturnAttention = command.Options?.ReturnAttention == true };
        switch (queue.TryEnqueue(job))
        {
            case EnqueueResult.Full:
                return Failure(TranslationErrorKind.Overloaded, "The request queue is full; retry shortly.");
            case EnqueueResult.Stopping:
                return Failure(TranslationErrorKind.Stopping, "The service is shutting down.");
        }

        IReadOnlyList<SequenceOutput> outputs;
        try
        {
            outputs = await job.Completion;
        }
        catch (JobFailedException e)
        {
            return Failure(e.Reason == JobFailure.GenerationFailed ? TranslationErrorKind.Failed : TranslationErrorKind.Stopping,
                e.Message);
        }
        catch (OperationCanceledException)
        {
            return Failure(TranslationErrorKind.Cancelled, "The request was cancelled.");
        }

        var translations = TranslationAssembler.Assemble(segmentsPerText, segments, outputs);
        return TranslationOutcome.Success(new TranslationResult(model.Name, translations, job.QueueTime,
            job.EncodeTime, job.DecodeTime, job.BatchSizes));
    }

    /// <summary>The input path of text <paramref name="index"/>, as <see cref="TranslationError.Fields"/> names it.</summary>
    public static string TextPath(int index) => $"texts[{index}]";

    private void CheckTexts(IReadOnlyList<string> texts, Dictionary<string, string[]> errors)
    {
        var max = limits.Value;
        if (texts.Count == 0)
        {
            errors["texts"] = ["must contain at least one text."];
            return;
        }

        if (texts.Count > max.MaxTexts)
        {
            errors["texts"] = [$"has {texts.Count} entries; at most {max.MaxTexts} are allowed per request."];
            return;
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                errors[TextPath(i)] = ["must not be empty or whitespace."];
            }
            else if (texts[i].Length > max.MaxTextLength)
            {
                errors[TextPath(i)] = [$"has {texts[i].Length} characters; at most {max.MaxTextLength} are allowed."];
            }
        }
    }

    private void CheckServiceLimits(GenerationOptions? options, Dictionary<string, string[]> errors)
    {
        var max = limits.Value;
        if (options?.NumBeams is < 1 || options?.NumBeams > max.MaxBeams)
        {
            errors["options.num_beams"] = [$"must be an integer in [1, {max.MaxBeams}] on this service."];
        }

        if (options?.MaxNewTokens is < 1 || options?.MaxNewTokens > max.MaxNewTokens)
        {
            errors["options.max_new_tokens"] = [$"must be an integer in [1, {max.MaxNewTokens}] on this service."];
        }
    }

    private static GenerationSettings? ResolveSettings(ITranslationModel model, GenerationOptions? options,
        Dictionary<string, string[]> errors)
    {
        try
        {
            return (options ?? new GenerationOptions()).ApplyTo(model.Defaults);
        }
        catch (InvalidGenerationSettingException e)
        {
            errors.TryAdd($"options.{e.Parameter}", [$"must be {e.Allowed}."]);
            return null;
        }
    }

    private static TranslationOutcome Failure(TranslationErrorKind kind, string message) =>
        TranslationOutcome.Failure(new TranslationError(kind, message));

    private static TranslationOutcome Failure(TranslationErrorKind kind, Dictionary<string, string[]> fields,
        string message) => TranslationOutcome.Failure(new TranslationError(kind, message, fields));
}
