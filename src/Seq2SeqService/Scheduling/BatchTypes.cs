namespace Seq2SeqService.Scheduling;

/// <summary>
/// One source sequence of a batch, the same object from admission until the batch reports it finished; its token is
/// the owning request's one cancellation (client gone, deadline, failure → the row leaves at the next step). A set
/// <paramref name="maxNewTokens"/> (the sentence's length guard) replaces the batch settings' own.
/// </summary>
public class BatchSequence(IReadOnlyList<int> inputIds, CancellationToken cancellation, bool returnAttention = false,
    int? maxNewTokens = null)
{
    public IReadOnlyList<int> InputIds { get; } = inputIds;

    public CancellationToken Cancellation { get; } = cancellation;

    public bool ReturnAttention { get; } = returnAttention;

    public int? MaxNewTokens { get; } = maxNewTokens;

    /// <summary>Whether the engine should report the sequence's text as it grows (<see cref="TextAppended"/>).</summary>
    public virtual bool WantsText => false;

    /// <summary>
    /// Text the sequence's only hypothesis grew by in a step (greedy, one sequence), called on the lane's thread within
    /// the step; the finished output still comes with the step's <see cref="FinishedRow"/>.
    /// </summary>
    public virtual void TextAppended(string text)
    {
    }
}

/// <summary>Sequences of one model with equal settings, run together.</summary>
public sealed record Batch(IBatchModel Model, GenerationSettings Settings, IReadOnlyList<BatchSequence> Sequences);

/// <summary>One generated candidate, with the summed log-probability of its tokens.</summary>
public sealed record Candidate(string Text, FinishReason FinishReason, int OutputTokens, TokenAttention? Attention = null,
    double LogProbability = 0);

/// <summary>The candidates of one row, best first.</summary>
public sealed record SequenceOutput(IReadOnlyList<Candidate> Candidates);

/// <summary>A batch's rows in batch order (<see langword="null"/> where cancelled) and where its time went.</summary>
public sealed record BatchOutput(IReadOnlyList<SequenceOutput?> Rows, TimeSpan EncodeTime, TimeSpan DecodeTime);
