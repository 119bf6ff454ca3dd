using System.Diagnostics.CodeAnalysis;

namespace Seq2SeqService.Application;

/// <summary>A translation's result, or the error that prevented it; exactly one is set.</summary>
public sealed class TranslationOutcome
{
    private TranslationOutcome(TranslationResult? result, TranslationError? error)
    {
        Result = result;
        Error = error;
    }

    public TranslationResult? Result { get; }

    public TranslationError? Error { get; }

    [MemberNotNullWhen(true, nameof(Result))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Result is not null;

    public static TranslationOutcome Success(TranslationResult result) => new(result, null);

    public static TranslationOutcome Failure(TranslationError error) => new(null, error);
}

/// <summary>Every text's translation, in input order, and where the time went.</summary>
/// <param name="Model">The model that translated.</param>
/// <param name="Texts">One per input text.</param>
/// <param name="QueueTime">Time with none of its rows in the decoder (docs/api.md#timings).</param>
/// <param name="EncodeTime">Of the time it had rows in the decoder, the share spent encoding.</param>
/// <param name="DecodeTime">The rest of the time it had rows in the decoder.</param>
/// <param name="BatchSizes">Size of each batch that carried part of it.</param>
public sealed record TranslationResult(string Model, IReadOnlyList<TextTranslation> Texts, TimeSpan QueueTime,
    TimeSpan EncodeTime, TimeSpan DecodeTime, IReadOnlyList<int> BatchSizes);

/// <summary>The candidates for one input text, best first (more than one when num_return_sequences asks).</summary>
/// <param name="Candidates">At least one.</param>
/// <param name="InputTokens">Source tokens over all of the text's segments, end-of-sequence included.</param>
public sealed record TextTranslation(IReadOnlyList<TranslationCandidate> Candidates, int InputTokens)
{
    public TranslationCandidate Best => Candidates[0];
}

/// <summary>One candidate translation of a whole text.</summary>
/// <param name="Text">The text's sentences' outputs, rejoined in the source's layout.</param>
/// <param name="FinishReason">Length when any segment was cut by max_new_tokens.</param>
/// <param name="OutputTokens">Generated tokens over all segments, end-of-sequence included.</param>
/// <param name="Attention">When asked for: the segments' attention, one diagonal block per segment.</param>
public sealed record TranslationCandidate(string Text, FinishReason FinishReason, int OutputTokens, TokenAttention? Attention = null)
{
    /// <summary>The mean log-probability of the generated tokens over all sentences.</summary>
    public double MeanLogProbability { get; init; }

    /// <summary>The sentences' log-probabilities together, scored as the search scores one sequence.</summary>
    public double Score { get; init; }

    /// <summary>Each sentence's source, translation and scores, in order.</summary>
    public IReadOnlyList<SentenceScore> Sentences { get; init; } = [];

    /// <summary>
    /// The command's marks of this text, moved onto <see cref="Text"/> (docs/documents.md#formatting-kept), in the
    /// command's order, nested as they were, a mark over whitespace only left out; empty when it sent none.
    /// </summary>
    public IReadOnlyList<TextMark> Marks { get; init; } = [];
}

/// <summary>One sentence of a text: its source, its translation, and how confident the model was.</summary>
public sealed record SentenceScore(string Source, string Text, double MeanLogProbability, double Score);

/// <summary>Why a translation did not happen; one table gives each kind its HTTP status for every API, and each API its body's shape.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Message">A sentence for the client.</param>
/// <param name="Fields">
/// Where the problem is, by input path (<c>texts[i]</c>, <c>texts</c>, <c>model</c>, <c>options.&lt;name&gt;</c>), with
/// each path's messages; set for <see cref="TranslationErrorKind.InvalidRequest"/>.
/// </param>
/// <param name="RetryAfter">For <see cref="TranslationErrorKind.Overloaded"/>, <see cref="TranslationErrorKind.Stopping"/>
/// and <see cref="TranslationErrorKind.Failed"/>: when retrying makes sense, from the backlog at the recent drain rate.</param>
public sealed record TranslationError(TranslationErrorKind Kind, string Message,
    IReadOnlyDictionary<string, string[]>? Fields = null, TimeSpan? RetryAfter = null)
{
    /// <summary>An <see cref="TranslationErrorKind.InvalidRequest"/> listing <paramref name="fields"/>, its message naming each.</summary>
    public static TranslationError Invalid(IDictionary<string, string[]> fields) =>
        new(TranslationErrorKind.InvalidRequest, string.Join(" ", fields.Select(f => $"{f.Key} {string.Join(" ", f.Value)}")),
            fields.ToDictionary());
}

/// <summary>The kinds of <see cref="TranslationError"/>.</summary>
public enum TranslationErrorKind
{
    /// <summary>A text, the model name or an option is invalid; <see cref="TranslationError.Fields"/> lists each.</summary>
    InvalidRequest,

    /// <summary>The request's estimated work exceeds what one request may ask for; it needs to be smaller.</summary>
    TooMuchWork,

    /// <summary>The queue is full; retrying shortly may succeed.</summary>
    Overloaded,

    /// <summary>The service is stopping, before or while the request waited; retry elsewhere or later.</summary>
    Stopping,

    /// <summary>The engine failed on a batch that carried the request; the error was logged, and a retry runs in another batch.</summary>
    Failed,

    /// <summary>The caller's cancellation token fired (the client went away).</summary>
    Cancelled,

    /// <summary>The request passed its deadline (<see cref="RequestDeadline"/>) or the token budget per request and was stopped.</summary>
    LimitExceeded,
}
