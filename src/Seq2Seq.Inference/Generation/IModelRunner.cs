namespace Seq2Seq.Inference.Generation;

/// <summary>
/// Runs a model's encoder and decoder. The generator sees only this interface, so strategies are tested
/// with scripted runners and a model exported differently (e.g. with a decoder-side mask) can plug in.
/// </summary>
public interface IModelRunner : IDisposable
{
    /// <summary>Size of the logits' last dimension.</summary>
    int VocabSize { get; }

    /// <summary>
    /// Whether the decoder states implement <see cref="IAttentionState"/>: the decoder graph outputs its
    /// attention over the source tokens.
    /// </summary>
    bool ProvidesAttention => false;

    /// <summary>
    /// Whether rows may join a batch that has already taken decoder steps (<see cref="IDecoderState.Append"/>).
    /// Optimum exports have no decoder-side attention mask and derive positions from the past length, so
    /// they cannot; decoders that take decoder_attention_mask can, and so can recurrent decoders, whose
    /// state has no time axis.
    /// </summary>
    bool SupportsJoins { get; }

    /// <summary>
    /// Runs the encoder once over all sources (padded to the longest, with an attention mask) and returns
    /// the decoder state with one row per source, in order, with an empty self-attention past.
    /// </summary>
    IDecoderState Encode(IReadOnlyList<ReadOnlyMemory<int>> sources);
}

/// <summary>
/// A batch of decoder rows and their caches (self-attention past growing by one position per step,
/// cross-attention keys/values computed once). Not thread-safe; owned by one cohort.
/// </summary>
public interface IDecoderState : IDisposable
{
    /// <summary>Current number of rows.</summary>
    int Rows { get; }

    /// <summary>Decoder positions already cached (the number of steps taken).</summary>
    int PastLength { get; }

    /// <summary>Time spent inside the runtime and preparing its tensors, summed over this state's calls.</summary>
    RunnerTimings Timings { get; }

    /// <summary>
    /// Feeds one token per row and returns the logits of that position, <see cref="Rows"/> × vocabulary,
    /// row-major. The span belongs to the state and is valid until the next call; callers may modify it.
    /// </summary>
    Span<float> Step(ReadOnlySpan<int> tokens);

    /// <summary>
    /// Rebuilds the rows so that new row i continues old row <c>parents[i]</c>. Parents may repeat (beam
    /// search forks a row) and may skip rows (finished or cancelled rows leave; their memory is freed).
    /// </summary>
    void Reorder(ReadOnlySpan<int> parents);

    /// <summary>
    /// Moves the rows of <paramref name="other"/> (a state of the same runner) after this state's rows, where
    /// they continue as if they had run alone; <paramref name="other"/> is left empty. Both states must have
    /// taken at least one step. Only for runners whose <see cref="IModelRunner.SupportsJoins"/> is true.
    /// </summary>
    void Append(IDecoderState other);
}

/// <summary>Accumulated runtime timings, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
public struct RunnerTimings
{
    /// <summary>Inside the runtime's Run calls.</summary>
    public long RunTicks;

    /// <summary>Building input tensors, binding outputs, gathering cache rows.</summary>
    public long PrepareTicks;

    public readonly TimeSpan Run => System.Diagnostics.Stopwatch.GetElapsedTime(0, RunTicks);

    public readonly TimeSpan Prepare => System.Diagnostics.Stopwatch.GetElapsedTime(0, PrepareTicks);

    public static RunnerTimings operator +(RunnerTimings a, RunnerTimings b) =>
        new() { RunTicks = a.RunTicks + b.RunTicks, PrepareTicks = a.PrepareTicks + b.PrepareTicks };
}
