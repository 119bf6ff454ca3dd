using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Seq2SeqService.Contracts;
using Seq2SeqService.Errors;
using Seq2SeqService.Input;
using Seq2SeqService.Logging;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;
using Seq2SeqService.Application;

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
    /// <c>options</c> (Hugging Face names). Each text is cut into sentences (<c>options.split_sentences</c>), which
    /// are translated as rows of the batch and rejoined in the text's layout: line breaks, indentation and list
    /// markers come back where they were. Requests arriving together are batched. Errors: 400 (invalid JSON,
    /// fields, options or model), 413 (body too large, or too much estimated work), 415 (not JSON), 422 (the
    /// request's deadline — <c>options.timeout_ms</c> or the service's — or token budget passed), 503 with
    /// Retry-After (queue full or service stopping).
    /// </remarks>
    public static async Task<IResult> TranslateAsync(HttpContext context, TranslationService translator,
        IOptions<RequestLimitsOptions> limits, IOptions<QueueOptions> queue, ServiceMetrics metrics)
    {
        var arrived = Stopwatch.GetTimestamp();
        var (root, problem) = await JsonBody.ReadObjectAsync(context.Request, limits.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var (request, errors) = TranslateInput.Read(root);
        if (errors.Count > 0)
        {
            return Problems.InvalidFields(errors);
        }

        var command = new TranslationCommand(TranslateInput.TextsOf(request), request.Model, request.Options);
        IResult Answer(TranslationOutcome outcome) => outcome.Succeeded
            ? TypedResults.Ok(ResponseOf(outcome.Result, request, context, metrics, arrived))
            : ProblemFor(outcome.Error, request, context, queue.Value.RetryAfterSeconds);
        if (request.Stream == true || TranslateStream.IsAsked(context.Request))
        {
            return new TranslateStream(translator, command, Answer);
        }

        return Answer(await translator.TranslateAsync(command, context.RequestAborted));
    }

    /// <summary>The unary answer of a translation, which a stream's final event repeats; records the request's figures.</summary>
    private static TranslateResponse ResponseOf(TranslationResult result, TranslateRequest request, HttpContext context,
        ServiceMetrics metrics, long arrived)
    {
        var details = RequestLogDetails.For(context);
        details.Model = result.Model;
        details.BatchSizes = result.BatchSizes;
        details.InputTokens = result.Texts.Sum(t => t.InputTokens);
        details.OutputTokens = result.Texts.Sum(t => t.Best.OutputTokens);
        var total = Stopwatch.GetElapsedTime(arrived);
        metrics.Translated(total);
        var scores = request.Options?.ReturnScores == true;
        return new TranslateResponse(result.Model, [.. result.Texts.Select(t => ToContract(t, scores))],
            new Timings(Round(result.QueueTime), Round(result.EncodeTime), Round(result.DecodeTime), Round(total)));
    }

    private static IResult ProblemFor(
        TranslationError error, TranslateRequest request, HttpContext context, int retryAfterSeconds)
    {
        var fields = (error.Fields ?? new Dictionary<string, string[]>())
            .ToDictionary(f => TranslateInput.PathOf(request, f.Key), f => f.Value);
        return error.Kind switch
        {
            TranslationErrorKind.InvalidRequest => Problems.InvalidFields(fields),
            TranslationErrorKind.TooMuchWork => Problems.Create(StatusCodes.Status413PayloadTooLarge, "Request too costly",
                error.Message),
            TranslationErrorKind.Overloaded or TranslationErrorKind.Stopping => Problems.Unavailable(context, error.Message,
                error.RetryAfter is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : retryAfterSeconds),
            TranslationErrorKind.Failed => Problems.Create(StatusCodes.Status500InternalServerError, "Generation failed",
                error.Message),
            TranslationErrorKind.LimitExceeded => Problems.Create(StatusCodes.Status422UnprocessableEntity,
                "Request limit exceeded", error.Message),
            // The client has gone; nobody reads this response.
            _ => TypedResults.Empty,
        };
    }

    private static Translation ToContract(TextTranslation text, bool scores) => new(text.Best.Text, FinishReasonName(text.Best.FinishReason),
        text.InputTokens, text.Best.OutputTokens,
        text.Candidates.Count > 1 ? [.. text.Candidates.Skip(1).Select(c => new Alternative(c.Text, FinishReasonName(c.FinishReason), c.OutputTokens))] : null,
        text.Best.Attention is { } a ? new AttentionMap(a.SourceTokens, a.TargetTokens, a.Weights) : null,
        scores ? new Scores(Round(text.Best.MeanLogProbability), Round(text.Best.Score),
            [.. text.Best.Sentences.Select(s => new SentenceScores(s.Source, s.Text, Round(s.MeanLogProbability), Round(s.Score)))]) : null);

    private static double Round(double score) => Math.Round(score, 4);

    private static string FinishReasonName(FinishReason reason) => reason == FinishReason.Length ? "length" : "eos";

    private static double Round(TimeSpan time) => Math.Round(time.TotalMilliseconds, 2);
}
