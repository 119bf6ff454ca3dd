using System.Diagnostics;
using Microsoft.Extensions.Options;
using Seq2SeqService.Application;
using Seq2SeqService.Contracts;
using Seq2SeqService.Endpoints.Compatible;
using Seq2SeqService.Errors;
using Seq2SeqService.Input;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;

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
    /// Retry-After (queue full, service stopping, or an engine failure).
    /// </remarks>
    public static async Task<IResult> TranslateAsync(HttpContext context, TranslationService translator,
        IOptions<RequestLimitsOptions> limits)
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

        var command = new TranslationCommand(TranslateInput.TextsOf(request), request.Model, request.Options,
            SourceLanguage: request.SourceLanguage, TargetLanguage: request.TargetLanguage, Task: request.Task);
        IResult Answer(TranslationOutcome outcome) => outcome.Succeeded
            ? TypedResults.Ok(ResponseOf(outcome.Result, request, context, arrived))
            : ProblemFor(outcome.Error, request, context);
        if (request.Stream == true || TranslateStream.IsAsked(context.Request))
        {
            return new TranslateStream(translator, command, Answer);
        }

        return Answer(await translator.TranslateAsync(command, context.RequestAborted));
    }

    /// <summary>The unary answer of a translation, which a stream's final event repeats; records the request's figures.</summary>
    private static TranslateResponse ResponseOf(TranslationResult result, TranslateRequest request, HttpContext context,
        long arrived)
    {
        var total = DialectHelpers.Translated(context, result, ServiceMetrics.NativeApi, arrived);
        var scores = request.Options?.ReturnScores == true;
        return new TranslateResponse(result.Model, [.. result.Texts.Select(t => ToContract(t, scores))],
            new Timings(Round(result.QueueTime), Round(result.EncodeTime), Round(result.DecodeTime), Round(total)));
    }

    /// <summary>The error as a problem document, its status from the table every API shares.</summary>
    private static IResult ProblemFor(TranslationError error, TranslateRequest request, HttpContext context) =>
        TranslationErrorStatus.Answer(context, error, status => error.Kind == TranslationErrorKind.InvalidRequest
            ? Problems.InvalidFields((error.Fields ?? new Dictionary<string, string[]>())
                .ToDictionary(f => TranslateInput.PathOf(request, f.Key), f => f.Value))
            : Problems.Create(status, TitleOf(error.Kind), error.Message));

    private static string TitleOf(TranslationErrorKind kind) => kind switch
    {
        TranslationErrorKind.TooMuchWork => "Request too costly",
        TranslationErrorKind.LimitExceeded => "Request limit exceeded",
        TranslationErrorKind.Failed => "Generation failed",
        _ => "Service unavailable",
    };

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
