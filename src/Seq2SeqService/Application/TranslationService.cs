using Microsoft.Extensions.Options;
using Seq2Seq.Inference.Generation;
using Seq2SeqService.Catalog;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;
using Seq2SeqService.Queue;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Application;

/// <summary>
/// The application layer between the HTTP front-ends and the scheduler: validates a command against the
/// service limits and the model, segments its texts, admits the job to the queue, awaits the scheduler and
/// assembles one translation per text. Every way it can fail comes back as a <see cref="TranslationError"/>,
/// whose kind the HTTP layer answers with one status for every API; the tokens it generates are counted by API.
/// </summary>
/// <remarks>
/// The request's deadline (<see cref="RequestDeadline"/>) starts when the job is admitted to the queue and fails the
/// job as soon as it passes, waiting or running; the scheduler then drops its rows at the next decoder step.
/// </remarks>
public sealed class TranslationService(IModelCatalog catalog, RequestQueue queue, IOptions<RequestLimitsOptions> limits,
    IOptions<BatchingOptions> batching, TimeProvider time, ServiceMetrics metrics)
{
    /// <summary>Translates <paramref name="command"/> until done or <paramref name="cancellation"/> fires; <paramref name="progress"/>,
    /// when given, is told of the acceptance and of each sentence as it is done (streamed answers).</summary>
    public async Task<TranslationOutcome> TranslateAsync(TranslationCommand command, CancellationToken cancellation,
        ITranslationProgress? progress = null)
    {
        var errors = new Dictionary<string, string[]>();
        CheckTexts(command.Texts, command.Fragments, errors);
        MarkCarrier.Check(command.Texts, command.Marks, errors);
        CheckServiceLimits(command.Options, errors);
        var model = ModelSelection.Resolve(catalog, command.Model, errors, command.SourceLanguage, command.TargetLanguage);
        if (model is not null && command.Task is not null)
        {
            model = ModelSelection.ForTask(model, command.Task, command.SourceLanguage is not null || command.TargetLanguage is not null, errors);
        }

        if (model is not null)
        {
            CheckMaxNewTokens(command.Options, model, errors);
        }

        var settings = model is null ? null : ResolveSettings(model, command.Options, errors);
        if (command.Options?.ReturnAttention == true && model is { ProvidesAttention: false })
        {
            errors["options.return_attention"] = [$"is not available with model '{model.Name}' ({model.Architecture}): its decoder outputs no attention."];
        }

        var splitting = model is null ? null : ResolveSplitting(command, model, errors);
        if (errors.Count > 0 || model is null || settings is null || splitting is null)
        {
            return Invalid(errors);
        }

        Func<int, int?> guard = command.Options?.MaxNewTokens is not null || model.LengthGuard is not { } lengthGuard
            ? static _ => null
            : sourceTokens => lengthGuard.Limit(sourceTokens, settings.MaxNewTokens);
        var texts = new List<SegmentedText>(command.Texts.Count);
        var segments = new List<Segment>();
        long work = 0;
        for (var i = 0; i < command.Texts.Count; i++)
        {
            var split = InputSegmenter.Split(command.Texts[i], model, splitting.Value, guard);
            texts.Add(split);
            segments.AddRange(split.Segments);
            work += WorkEstimate.Of(split.Segments, settings);

            // Checked as the texts are split, so an oversized request costs no more splitting than it takes to tell.
            if (work > limits.Value.MaxRequestWork)
            {
                return Failure(TranslationErrorKind.TooMuchWork,
                    $"The estimated work of the first {i + 1} of {command.Texts.Count} text(s) is already {work} token " +
                    $"steps ({segments.Count} sentence(s), each up to {JobRows.RowsOf(settings)} row(s) × its length limit " +
                    $"of at most {settings.MaxNewTokens} new tokens, plus source tokens); this service accepts at most " +
                    $"{limits.Value.MaxRequestWork} per request. Send fewer texts, or lower num_beams or max_new_tokens.");
            }
        }

        var carried = CarriedMarks.Of(command, model);
        if (segments.Count == 0)
        {
            return TranslationOutcome.Success(new TranslationResult(model.Name,
                TranslationAssembler.Assemble(texts, [], settings, carried), TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, []));
        }

        var deadline = RequestDeadline.Of(command.Options?.TimeoutMs, batching.Value.RequestTimeoutSeconds);
        using var timer = deadline is null ? null : new CancellationTokenSource(deadline.Timeout, time);
        var order = progress is null ? null : new SentenceOrder(texts, progress);
        var job = new TranslationJob(model, settings, segments, cancellation, work)
        {
            ReturnAttention = command.Options?.ReturnAttention == true || command.Marks is not null && model.ProvidesAttention,
            Deadline = timer?.Token ?? CancellationToken.None,
            SegmentFinished = order is null ? null : order.Finished,
            TextAppended = order is null || JobRows.RowsOf(settings) != 1 ? null : order.TextAppended,
        };
        switch (queue.TryEnqueue(job))
        {
            case EnqueueResult.Full:
                return Unavailable(TranslationErrorKind.Overloaded, "The request queue is full; retry shortly.",
                    queue.RetryAfterFor(job.Work));
            case EnqueueResult.Stopping:
                return Unavailable(TranslationErrorKind.Stopping, "The service is shutting down.", queue.RetryAfter);
        }

        progress?.Accepted();

        IReadOnlyList<SequenceOutput> outputs;
        try
        {
            outputs = await job.Completion;
        }
        catch (JobFailedException e)
        {
            return e.Reason switch
            {
                JobFailure.GenerationFailed => Unavailable(TranslationErrorKind.Failed, e.Message, queue.RetryAfter),
                JobFailure.DeadlineExceeded => Failure(TranslationErrorKind.LimitExceeded, deadline?.Message ?? e.Message),
                JobFailure.TokenBudgetExceeded => Failure(TranslationErrorKind.LimitExceeded, e.Message),
                _ => Unavailable(TranslationErrorKind.Stopping, e.Message, queue.RetryAfter),
            };
        }
        catch (OperationCanceledException)
        {
            return Failure(TranslationErrorKind.Cancelled, "The request was cancelled.");
        }

        var translations = TranslationAssembler.Assemble(texts, outputs, settings, carried);
        metrics.Generated(model.Name, command.Api, translations.Sum(t => t.Candidates.Sum(c => (long)c.OutputTokens)));
        return TranslationOutcome.Success(new TranslationResult(model.Name, translations, job.QueueTime,
            job.EncodeTime, job.DecodeTime, job.BatchSizes));
    }

    /// <summary>The input path of text <paramref name="index"/>, as <see cref="TranslationError.Fields"/> names it.</summary>
    public static string TextPath(int index) => $"texts[{index}]";

    /// <summary>
    /// The client's texts against <c>MaxTexts</c> and <c>MaxTextLength</c>, by input path under the API's
    /// <paramref name="field"/>. A caller that cuts the client's texts into pieces checks the texts it was sent here
    /// and marks its command <see cref="TranslationCommand.Fragments"/>; every other command is checked when translated.
    /// </summary>
    public void CheckLimits(IReadOnlyList<string> texts, IDictionary<string, string[]> errors, string field = "texts")
    {
        var max = limits.Value;
        if (texts.Count > max.MaxTexts)
        {
            errors[field] = [$"has {texts.Count} entries; at most {max.MaxTexts} are allowed per request."];
            return;
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i].Length > max.MaxTextLength)
            {
                errors[$"{field}[{i}]"] = [$"has {texts[i].Length} characters; at most {max.MaxTextLength} are allowed."];
            }
        }
    }

    private void CheckTexts(IReadOnlyList<string> texts, bool fragments, Dictionary<string, string[]> errors)
    {
        if (texts.Count == 0)
        {
            errors["texts"] = ["must contain at least one text."];
            return;
        }

        if (!fragments)
        {
            CheckLimits(texts, errors);
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                errors.TryAdd(TextPath(i), ["must not be empty or whitespace."]);
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

        if (options?.TimeoutMs is < 1 or > GenerationOptions.MaxTimeoutMs)
        {
            errors["options.timeout_ms"] = [$"must be an integer number of milliseconds in [1, {GenerationOptions.MaxTimeoutMs}]."];
        }
    }

    /// <summary>
    /// <c>max_new_tokens</c> against the smaller of the service's limit and the model's, so every refusal names
    /// the bound that applies.
    /// </summary>
    private void CheckMaxNewTokens(GenerationOptions? options, ITranslationModel model, Dictionary<string, string[]> errors)
    {
        var limit = Math.Min(model.Defaults.MaxNewTokensLimit, limits.Value.MaxNewTokens);
        if (options?.MaxNewTokens is { } asked && (asked < 1 || asked > limit))
        {
            errors["options.max_new_tokens"] = [$"must be an integer in [1, {limit}] for this model on this service."];
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

    /// <summary>The request's <c>split_sentences</c> (its API's own field, else the native option), else the model's.</summary>
    private static SentenceSplitting? ResolveSplitting(TranslationCommand command, ITranslationModel model,
        Dictionary<string, string[]> errors)
    {
        if (command.Splitting is { } given)
        {
            return given;
        }

        if (command.Options?.SplitSentences is not { } asked)
        {
            return model.Splitting;
        }

        var parsed = SentenceSplittingNames.Parse(asked);
        if (parsed is null)
        {
            errors["options.split_sentences"] = [$"must be {SentenceSplittingNames.Allowed}."];
        }

        return parsed;
    }

    private static TranslationOutcome Unavailable(TranslationErrorKind kind, string message, TimeSpan retryAfter) =>
        TranslationOutcome.Failure(new TranslationError(kind, message, RetryAfter: retryAfter));

    private static TranslationOutcome Failure(TranslationErrorKind kind, string message) =>
        TranslationOutcome.Failure(new TranslationError(kind, message));

    private static TranslationOutcome Invalid(IDictionary<string, string[]> fields) =>
        TranslationOutcome.Failure(TranslationError.Invalid(fields));
}
