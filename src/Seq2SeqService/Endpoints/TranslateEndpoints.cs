using System.Diagnostics;
using Microsoft.Extensions.Options;
using Seq2Seq.Inference.Generation;
using Seq2SeqService.Catalog;
using Seq2SeqService.Contracts;
using Seq2SeqService.Errors;
using Seq2SeqService.Input;
using Seq2SeqService.Logging;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;
using Seq2SeqService.Queue;
using Seq2SeqService.Segmentation;
using GenerationOptions = Seq2SeqService.Contracts.GenerationOptions;

namespace Seq2SeqService.Endpoints;

/// <summary>POST /translate.</summary>
public static class TranslateEndpoints
{
    public static void MapTranslateEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/translate", TranslateAsync)
            .WithName("Translate")
            .WithTags("Translation")
            .Accepts<TranslateRequest>("application/json")
            .Produces<TranslateResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>Translates one text or several.</summary>
    /// <remarks>
    /// Send <c>{"text": "..."}</c> or <c>{"texts": ["...", ...]}</c>, optionally <c>model</c> and generation
    /// <c>options</c> (Hugging Face names). Requests arriving together are batched. A text longer than the
    /// model's positions is split into sentences that are translated in one batch and rejoined; a single
    /// sentence that is still too long is refused with 422. Errors: 400 (invalid JSON, fields, options or
    /// model), 413 (body too large, or more estimated work than one request may ask for), 415 (not JSON),
    /// 422 (sentence too long), 503 with Retry-After (queue full or service stopping).
    /// </remarks>
    public static async Task<IResult> TranslateAsync(HttpContext context, IModelCatalog catalog, RequestQueue queue,
        IOptions<RequestLimitsOptions> limits, ServiceMetrics metrics)
    {
        var arrived = Stopwatch.GetTimestamp();
        var (root, problem) = await JsonBody.ReadObjectAsync(context.Request, limits.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var (request, errors) = TranslateInput.Read(root, limits.Value);
        var model = ModelSelection.Resolve(catalog, request.Model, errors);
        if (model is not null)
        {
            TranslateInput.CheckMaxNewTokens(request, model.MaxNewTokens, limits.Value, errors);
        }

        var settings = model is null ? null : ResolveSettings(model, request.Options, errors);
        if (errors.Count > 0 || model is null || settings is null)
        {
            return Problems.InvalidFields(errors);
        }

        var texts = TranslateInput.TextsOf(request);
        var segments = new List<Segment>();
        var segmentsPerText = new List<int>(texts.Count);
        long work = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var which = request.Texts is null ? "text" : $"texts[{i}]";
            try
            {
                var split = InputSegmenter.Split(texts[i], model);
                segments.AddRange(split);
                segmentsPerText.Add(split.Count);
                work += WorkEstimate.Of(split, settings);
            }
            catch (SentenceTooLongException e)
            {
                return Problems.Create(StatusCodes.Status422UnprocessableEntity, "Sentence too long", $"{which}: {e.Message}");
            }

            // Checked as the texts are split, so an oversized request costs no more splitting than it takes to tell.
            if (work > limits.Value.MaxRequestWork)
            {
                return Problems.Create(StatusCodes.Status413PayloadTooLarge, "Request too costly",
                    $"The estimated work of the first {i + 1} of {texts.Count} text(s) is already {work} token " +
                    $"steps ({segments.Count} sentence(s) × {Math.Max(settings.NumBeams, settings.NumReturnSequences)} " +
                    $"beam(s) × {settings.MaxNewTokens} max_new_tokens, plus source tokens); this service accepts at most " +
                    $"{limits.Value.MaxRequestWork} per request. Send fewer texts, or lower num_beams or max_new_tokens.");
            }
        }

        var job = new TranslationJob(model, settings, segments, context.RequestAborted);
        switch (queue.TryEnqueue(job))
        {
            case EnqueueResult.Full:
                return Problems.Unavailable(context, "The request queue is full; retry shortly.", RetryAfter(queue));
            case EnqueueResult.Stopping:
                return Problems.Unavailable(context, "The service is shutting down.", RetryAfter(queue));
        }

        IReadOnlyList<Scheduling.SequenceOutput> outputs;
        try
        {
            outputs = await job.Completion;
        }
        catch (JobRejectedException e)
        {
            if (e.StatusCode == StatusCodes.Status503ServiceUnavailable)
            {
                return Problems.Unavailable(context, e.Message, RetryAfter(queue));
            }

            return Problems.Create(e.StatusCode, e.Title, e.Message);
        }
        catch (OperationCanceledException)
        {
            // The client has gone; nobody reads this response.
            return Results.Empty;
        }

        var translations = TranslationAssembler.Assemble(segmentsPerText, segments, outputs);
        var details = RequestLogDetails.For(context);
        details.Model = model.Name;
        details.BatchSizes = job.BatchSizes;
        details.InputTokens = translations.Sum(t => t.InputTokens);
        details.OutputTokens = translations.Sum(t => t.OutputTokens);
        var total = Stopwatch.GetElapsedTime(arrived);
        metrics.Translated(total);
        return TypedResults.Ok(new TranslateResponse(model.Name, translations, new Timings(
            Round(job.QueueTime), Round(job.EncodeTime), Round(job.DecodeTime), Round(total))));
    }

    private static GenerationSettings? ResolveSettings(ITranslationModel model, GenerationOptions? options,
        IDictionary<string, string[]> errors)
    {
        try
        {
            return model.Defaults.With(options is null ? null : new Seq2Seq.Inference.Generation.GenerationOptions
            {
                MaxNewTokens = options.MaxNewTokens,
                // Sampling is single-beam here; asking for it alone should not trip over a beam-search default.
                NumBeams = options.NumBeams ?? (options.DoSample == true ? 1 : null),
                DoSample = options.DoSample,
                Temperature = (float?)options.Temperature,
                TopK = options.TopK,
                TopP = (float?)options.TopP,
                Seed = options.Seed,
                LengthPenalty = (float?)options.LengthPenalty,
                NoRepeatNgramSize = options.NoRepeatNgramSize,
                RepetitionPenalty = (float?)options.RepetitionPenalty,
                NumReturnSequences = options.NumReturnSequences,
            });
        }
        catch (InvalidGenerationSettingException e)
        {
            errors.TryAdd($"options.{e.Parameter}", [$"must be {e.Allowed}."]);
            return null;
        }
    }

    private static int RetryAfter(RequestQueue queue) => (int)Math.Ceiling(queue.RetryAfter.TotalSeconds);

    private static double Round(TimeSpan time) => Math.Round(time.TotalMilliseconds, 2);
}
