namespace Seq2SeqService.Scheduling;

/// <summary>
/// A batch the scheduler advances one decoder step at a time, over the sequences given to
/// <see cref="IBatchModel.Start"/> and each <see cref="Admit"/>; each step reports the sequences that ended. Not
/// thread-safe: the scheduler drives it from one step at a time.
/// </summary>
public interface IRunningBatch : IDisposable
{
    bool IsCompleted { get; }

    /// <summary>Decoder rows the next step runs (beams count separately).</summary>
    int ActiveRows { get; }

    /// <summary>Whether <see cref="Admit"/> may add rows now (the model's decoder supports joins).</summary>
    bool CanAdmit { get; }

    /// <summary>Adds sequences at this step boundary.</summary>
    void Admit(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings);

    /// <summary>
    /// Runs one step (or, for a model that cannot step, the whole batch) and returns the sequences that ended. Throws
    /// <see cref="OperationCanceledException"/> once the batch's stop token (the drain deadline) has fired.
    /// </summary>
    IReadOnlyList<FinishedRow> Step();

    /// <summary>
    /// Whether the next steps may use a second thread (a lane would otherwise be idle): speculative decoding then
    /// lets its draft guess on while the model checks. Batches that cannot use one ignore it.
    /// </summary>
    void AllowSecondThread(bool allowed)
    {
    }
}

/// <summary>A sequence that ended in a step: its output, or <see langword="null"/> when its token was cancelled.</summary>
public readonly record struct FinishedRow(BatchSequence Row, SequenceOutput? Output, TimeSpan EncodeTime, TimeSpan DecodeTime);

/// <summary>A model that cannot step: its first <see cref="Step"/> runs the whole batch through <see cref="IBatchModel.Generate"/>.</summary>
internal sealed class WholeBatch(IBatchModel model, IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping)
    : IRunningBatch
{
    public bool IsCompleted { get; private set; }

    public int ActiveRows => IsCompleted ? 0 : sequences.Count;

    public bool CanAdmit => false;

    public void Admit(IReadOnlyList<BatchSequence> more, GenerationSettings moreSettings) =>
        throw new InvalidOperationException("A whole batch takes no rows once started.");

    public IReadOnlyList<FinishedRow> Step()
    {
        if (IsCompleted)
        {
            return [];
        }

        IsCompleted = true;
        stopping.ThrowIfCancellationRequested();
        var output = model.Generate(sequences, settings, stopping);
        return [.. output.Rows.Select((row, i) => new FinishedRow(sequences[i], row, output.EncodeTime, output.DecodeTime))];
    }

    public void Dispose()
    {
    }
}
