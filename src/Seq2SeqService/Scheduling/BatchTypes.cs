namespace Seq2SeqService.Scheduling;

/// <summary>One source sequence of a batch; its token is the owning request's (client gone → row leaves).</summary>
public sealed record BatchSequence(IReadOnlyList<int> InputIds, CancellationToken Cancellation, bool ReturnAttention = false);

/// <summary>Sequences of one model with equal settings, run together.</summary>
public sealed record Batch(IBatchModel Model, GenerationSettings Settings, IReadOnlyList<BatchSequence> Sequences);

/// <summary>One generated candidate.</summary>
public sealed record Candidate(string Text, FinishReason FinishReason, int OutputTokens, TokenAttention? Attention = null);

/// <summary>The candidates of one row, best first.</summary>
public sealed record SequenceOutput(IReadOnlyList<Candidate> Candidates);

/// <summary>A batch's rows in batch order (<see langword="null"/> where cancelled) and where its time went.</summary>
public sealed record BatchOutput(IReadOnlyList<SequenceOutput?> Rows, TimeSpan EncodeTime, TimeSpan DecodeTime);
