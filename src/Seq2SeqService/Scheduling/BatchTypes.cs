using Seq2SeqService.Catalog;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// One source sequence of a batch; its token is the owning request's (client gone → row leaves). Rows that want
/// their attention back can share a batch with rows that do not.
/// </summary>
public sealed record BatchSequence(string Text, IReadOnlyList<int> InputIds, CancellationToken Cancellation, bool ReturnAttention = false);

/// <summary>Sequences of one model with equal settings, run together.</summary>
public sealed record Batch(ITranslationModel Model, GenerationSettings Settings, IReadOnlyList<BatchSequence> Sequences);

/// <summary>One generated candidate, with its attention when the row asked for it.</summary>
public sealed record Candidate(string Text, FinishReason FinishReason, int OutputTokens, TokenAttention? Attention = null);

/// <summary>The candidates of one row, best first.</summary>
public sealed record SequenceOutput(IReadOnlyList<Candidate> Candidates);

/// <summary>A batch's rows in batch order (<see langword="null"/> where cancelled) and where its time went.</summary>
public sealed record BatchOutput(IReadOnlyList<SequenceOutput?> Rows, TimeSpan EncodeTime, TimeSpan DecodeTime);

/// <summary>Runs one batch; the scheduler's only way to reach the engine.</summary>
public interface IBatchRunner
{
    Task<BatchOutput> RunAsync(Batch batch, CancellationToken stopping);
}

/// <summary>Runs batches on the model that owns them, off the scheduler's loop.</summary>
public sealed class ModelBatchRunner : IBatchRunner
{
    public Task<BatchOutput> RunAsync(Batch batch, CancellationToken stopping) =>
        Task.Run(() => batch.Model.Generate(batch.Sequences, batch.Settings, stopping), CancellationToken.None);
}
