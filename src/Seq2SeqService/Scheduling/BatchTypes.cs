namespace Seq2SeqService.Scheduling;

/// <summary>
/// One source sequence of a batch; its token is the owning request's (client gone → row leaves). A set
/// <paramref name="MaxNewTokens"/> (the sentence's length guard) replaces the batch settings' own.
/// </summary>
public sealed record BatchSequence(IReadOnlyList<int> InputIds, CancellationToken Cancellation, bool ReturnAttention = false,
    int? MaxNewTokens = null);

/// <summary>Sequences of one model with equal settings, run together.</summary>
public sealed record Batch(IBatchModel Model, GenerationSettings Settings, IReadOnlyList<BatchSequence> Sequences);

/// <summary>One generated candidate, with the summed log-probability of its tokens.</summary>
public sealed record Candidate(string Text, FinishReason FinishReason, int OutputTokens, TokenAttention? Attention = null,
    double LogProbability = 0);

/// <summary>The candidates of one row, best first.</summary>
public sealed record SequenceOutput(IReadOnlyList<Candidate> Candidates);

/// <summary>A batch's rows in batch order (<see langword="null"/> where cancelled) and where its time went.</summary>
public sealed record BatchOutput(IReadOnlyList<SequenceOutput?> Rows, TimeSpan EncodeTime, TimeSpan DecodeTime);
