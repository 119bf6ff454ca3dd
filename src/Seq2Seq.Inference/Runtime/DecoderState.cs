using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// What the decoder states of both runners share: every tensor keeps rows in its first dimension, so dropping,
/// forking and reordering rows is a row gather, and joining is stacking. Rows of one source share its
/// per-source tensors (the encoder attention mask and whatever a runner keeps beside it), so a reorder that
/// leaves every row on its source gathers only the per-row ones; once rows leave, the source axis narrows to the
/// longest remaining source. A subclass keeps only its own tensors and how its time axis joins.
/// </summary>
internal abstract class DecoderState : IDecoderState, IAttentionState
{
    private PooledTensor<long>? _mask;
    private OrtValue? _logits;
    private OrtValue? _attention;
    private RunnerTimings _timings;

    protected DecoderState(int[] sourceLengths, PooledTensor<long> mask, RunnerTimings encodeTimings)
    {
        Sources = new RowSources(sourceLengths);
        _mask = mask;
        _timings = encodeTimings;
        Rows = sourceLengths.Length;
    }

    /// <summary>The use a state makes of one output of a decoder step.</summary>
    protected enum StepOutput
    {
        Drop,
        Logits,
        Attention,
        Kept,
    }

    public int Rows { get; private set; }

    /// <summary>Positions (steps) taken: the most any row has taken, once rows have joined.</summary>
    public int PastLength { get; protected set; }

    /// <summary>
    /// The source axis as it is now: joins widen it and trimming narrows it, and the last step's attention
    /// (read before either) has this width.
    /// </summary>
    public int SourceWidth => _mask is null ? 0 : (int)_mask.Shape[1];

    public ReadOnlySpan<float> Attention => _attention is null
        ? throw new InvalidOperationException("No attention: the decoder has no cross_attentions output, or no step has run.")
        : _attention.GetTensorDataAsSpan<float>();

    public RunnerTimings Timings => _timings;

    protected RowSources Sources { get; }

    protected StepTokens Tokens { get; } = new();

    /// <summary>The encoder attention mask, rows × source axis; null once no row is left.</summary>
    protected PooledTensor<long>? Mask => _mask;

    public abstract Span<float> Step(ReadOnlySpan<int> tokens);

    public void Reorder(ReadOnlySpan<int> parents)
    {
        var started = Stopwatch.GetTimestamp();
        var sourcesChanged = Sources.Reorder(parents);
        GatherRows(parents, sourcesChanged);
        if (sourcesChanged)
        {
            _mask = _mask?.Regather(parents);
        }

        // The last step's outputs describe the old rows.
        ReleaseStepOutputs();
        Rows = parents.Length;
        if (Rows == 0)
        {
            ReleaseAll();
        }
        else if (sourcesChanged && Trim(Sources.Longest) && Sources.Longest < SourceWidth)
        {
            Replace(ref _mask, CacheAxis.Window(_mask!, 1, 0, Sources.Longest));
        }

        _timings.PrepareTicks += Stopwatch.GetTimestamp() - started;
    }

    public void Append(IDecoderState other)
    {
        if (other is not DecoderState state || state.GetType() != GetType() || !CanJoin(state))
        {
            throw new InvalidOperationException(JoinRule);
        }

        if (Rows == 0 || state.Rows == 0 || PastLength == 0 || state.PastLength == 0)
        {
            throw new InvalidOperationException("Both states must have rows and have taken their first step.");
        }

        var started = Stopwatch.GetTimestamp();
        var past = Math.Max(PastLength, state.PastLength);
        JoinRows(state, past);
        Replace(ref _mask, CacheAxis.Stack(_mask!, state._mask!, axis: 1, alignEnd: false));
        Sources.Append(state.Sources);
        ReleaseStepOutputs();
        Rows += state.Rows;
        PastLength = past;
        _timings.RunTicks += state._timings.RunTicks;
        _timings.PrepareTicks += state._timings.PrepareTicks + (Stopwatch.GetTimestamp() - started);
        state.ReleaseAll();
        state.Rows = 0;
    }

    public void Dispose() => ReleaseAll();

    /// <summary>Whether <paramref name="other"/>'s rows can join these (same model, and a decoder that allows it).</summary>
    protected abstract bool CanJoin(DecoderState other);

    /// <summary>Says which states can join, when one cannot.</summary>
    protected abstract string JoinRule { get; }

    /// <summary>
    /// Gathers this state's own tensors so that row i continues old row <c>parents[i]</c>; per-source ones only
    /// when <paramref name="sourcesChanged"/>. None are left when <paramref name="parents"/> is empty.
    /// </summary>
    protected abstract void GatherRows(ReadOnlySpan<int> parents, bool sourcesChanged);

    /// <summary>Stacks <paramref name="other"/>'s own tensors after these; both continue at <paramref name="past"/> positions.</summary>
    protected abstract void JoinRows(DecoderState other, int past);

    /// <summary>
    /// Drops what only rows that left needed, once rows changed sources (each step's attention costs in
    /// proportion to the axes): this state's per-source tensors narrow to <paramref name="usedSource"/> positions.
    /// Returns whether they did, so the mask narrows with them.
    /// </summary>
    protected abstract bool Trim(int usedSource);

    /// <summary>Frees this state's own tensors.</summary>
    protected abstract void ReleaseTensors();

    /// <summary>What the state does with output <paramref name="index"/> of a step.</summary>
    protected abstract StepOutput UseOf(int index);

    /// <summary>Takes ownership of output <paramref name="index"/>, which <see cref="UseOf"/> said to keep.</summary>
    protected abstract void Keep(int index, OrtValue value);

    /// <summary>Runs one decoder call, counting its time as the runtime's.</summary>
    protected IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, RunOptions options,
        IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames)
    {
        var run = Stopwatch.GetTimestamp();
        try
        {
            return session.Run(options, inputNames, inputs, outputNames);
        }
        finally
        {
            _timings.RunTicks += Stopwatch.GetTimestamp() - run;
        }
    }

    /// <summary>
    /// Hands each output of a step to its owner and returns the logits. The collection itself is never
    /// disposed, since that would release the kept outputs too.
    /// </summary>
    protected Span<float> TakeOutputs(IDisposableReadOnlyCollection<OrtValue> outputs)
    {
        ReleaseStepOutputs();
        var index = 0;
        foreach (var value in outputs)
        {
            switch (UseOf(index))
            {
                case StepOutput.Logits:
                    _logits = value;
                    break;
                case StepOutput.Attention:
                    _attention = value;
                    break;
                case StepOutput.Kept:
                    Keep(index, value);
                    break;
                default:
                    value.Dispose();
                    break;
            }

            index++;
        }

        return _logits!.GetTensorMutableDataAsSpan<float>();
    }

    /// <summary>Counts time spent preparing tensors since <paramref name="started"/>, less <paramref name="excluded"/> ticks.</summary>
    protected void AddPrepareTime(long started, long excluded = 0) =>
        _timings.PrepareTicks += Stopwatch.GetTimestamp() - started - excluded;

    /// <summary>Time inside the runtime so far, to exclude a step's run from its preparation.</summary>
    protected long RunTicks => _timings.RunTicks;

    /// <summary>Puts <paramref name="replacement"/> (built from the tensor in <paramref name="slot"/>) in its place and frees the old one.</summary>
    protected static void Replace<T>(ref PooledTensor<T>? slot, PooledTensor<T> replacement)
        where T : unmanaged
    {
        slot?.Dispose();
        slot = replacement;
    }

    private void ReleaseStepOutputs()
    {
        _logits?.Dispose();
        _logits = null;
        _attention?.Dispose();
        _attention = null;
    }

    private void ReleaseAll()
    {
        ReleaseTensors();
        _mask?.Dispose();
        _mask = null;
        ReleaseStepOutputs();
    }
}
