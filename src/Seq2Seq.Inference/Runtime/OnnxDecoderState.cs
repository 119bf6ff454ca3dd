using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// The rows of one cohort on an <see cref="OnnxModelRunner"/>: the encoder attention mask, the
/// cross-attention keys/values of step 1 (fed back every step), and the self-attention past, which grows
/// by one position per step. Every cache tensor keeps rows in its first dimension, so dropping, forking
/// and reordering rows is a row gather. With a decoder that takes decoder_attention_mask, another state's
/// rows can be appended: a row's past then sits at the end of the past axis after some padding slots,
/// and its source at the start of the source axis; both masks hide the padding. A step may feed several
/// positions per row (the decoder masks later positions causally) and positions can be given back.
/// </summary>
internal sealed class OnnxDecoderState : ISpeculativeState, IAttentionState
{
    // Backs the zero-length placeholders: the graphs declare inputs that the chosen branch never reads.
    private static readonly float[] PlaceholderStorage = PinnedTensor.Allocate<float>(1);

    private readonly OnnxModelRunner _runner;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly PooledTensor<float>?[] _cache;
    private readonly bool[] _useCache = PinnedTensor.Allocate<bool>(1);
    private readonly List<OrtValue> _temporaries = [];
    private readonly RowSources _sources;
    private readonly StepTokens _tokens = new();
    private OrtValue[] _inputs = [];
    private PooledTensor<float>? _encoderHidden;
    private PooledTensor<long>? _mask;
    private OrtValue? _logits;
    private OrtValue? _attention;
    private int[] _padding;
    private long[] _decoderMask = [];
    private RunnerTimings _timings;

    public OnnxDecoderState(OnnxModelRunner runner, int[] sourceLengths, PooledTensor<float> encoderHidden,
        PooledTensor<long> mask, RunnerTimings encodeTimings)
    {
        _runner = runner;
        _heads = runner.Config.DecoderAttentionHeads;
        _headSize = runner.Config.DecoderHeadSize;
        _cache = new PooledTensor<float>?[runner.Config.DecoderLayers * DecoderTensor.CacheSlotsPerLayer];
        _encoderHidden = encoderHidden;
        _mask = mask;
        _timings = encodeTimings;
        var rows = sourceLengths.Length;
        _sources = new RowSources(sourceLengths);
        _padding = new int[rows];
        Rows = rows;
    }

    public int Rows { get; private set; }

    /// <summary>Length of the past axis: the longest row's past.</summary>
    public int PastLength { get; private set; }

    /// <summary>
    /// The source axis as it is now: joins widen it and trimming narrows it, and the last step's attention
    /// (read before either) has this width.
    /// </summary>
    public int SourceWidth => _mask is null ? 0 : (int)_mask.Shape[1];

    public ReadOnlySpan<float> Attention => _attention is null
        ? throw new InvalidOperationException("No attention: the decoder has no cross_attentions output, or no step has run.")
        : _attention.GetTensorDataAsSpan<float>();

    public RunnerTimings Timings => _timings;

    public Span<float> Step(ReadOnlySpan<int> tokens) => Step(tokens, 1);

    public Span<float> Step(ReadOnlySpan<int> tokens, int positions)
    {
        if (positions < 1 || tokens.Length != Rows * positions || Rows == 0)
        {
            throw new ArgumentException($"Expected {positions} token(s) for each of the {Rows} rows, got {tokens.Length}.", nameof(tokens));
        }

        var started = Stopwatch.GetTimestamp();
        var graph = PastLength == 0 ? _runner.FirstStep : _runner.WithPast;
        var ids = Temporary(_tokens.Over(tokens, positions));

        // A mask with a default is fed only when some row's past has padding; the default says "none".
        var feedMask = graph.DecoderMaskIsOptional && _padding.AsSpan(0, Rows).IndexOfAnyExcept(0) >= 0;
        var count = graph.Inputs.Length + (feedMask ? 1 : 0);
        if (_inputs.Length != count)
        {
            _inputs = new OrtValue[count];
        }

        for (var i = 0; i < graph.Inputs.Length; i++)
        {
            _inputs[i] = Input(graph.Inputs[i], graph.InputNames[i], ids, positions);
        }

        if (feedMask)
        {
            _inputs[graph.Inputs.Length] = DecoderMask(positions);
        }

        var run = Stopwatch.GetTimestamp();
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = graph.Session.Run(_runner.RunOptions, feedMask ? graph.InputNamesWithMask : graph.InputNames, _inputs, graph.OutputNames);
        }
        finally
        {
            _timings.RunTicks += Stopwatch.GetTimestamp() - run;
            DisposeTemporaries();
        }

        var ran = Stopwatch.GetTimestamp();
        ReleaseStepOutputs();
        var o = 0;

        // Each output goes to an owner (the cache, the logits) or is released now; the collection itself is
        // never disposed, since that would release the kept ones too.
        foreach (var value in outputs)
        {
            var output = graph.Outputs[o++];
            if (output.Kind == DecoderTensorKind.Present && (!output.Encoder || PastLength == 0))
            {
                ref var slot = ref _cache[output.Layer * DecoderTensor.CacheSlotsPerLayer + output.CacheSlot];
                slot?.Dispose();
                slot = PooledTensor<float>.Wrap(value);
            }
            else if (output.Kind == DecoderTensorKind.Logits)
            {
                _logits = value;
            }
            else if (output.Kind == DecoderTensorKind.CrossAttentions)
            {
                _attention = value;
            }
            else
            {
                value.Dispose();
            }
        }

        if (PastLength == 0)
        {
            // Cross-attention keys/values now hold what the decoder needs of the encoder's states.
            _encoderHidden?.Dispose();
            _encoderHidden = null;
        }

        PastLength += positions;
        var logits = _logits!.GetTensorMutableDataAsSpan<float>();
        _timings.PrepareTicks += (run - started) + (Stopwatch.GetTimestamp() - ran);
        return logits;
    }

    public void Truncate(int positions)
    {
        if (positions < 0 || positions > PastLength - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(positions), positions, $"The past has {PastLength} positions; at least one must stay.");
        }

        if (positions == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        for (var slot = 0; slot < _cache.Length; slot++)
        {
            if (!DecoderTensor.IsCrossAttentionSlot(slot))
            {
                var kept = CacheAxis.Window(_cache[slot]!, 2, 0, PastLength - positions);
                _cache[slot]!.Dispose();
                _cache[slot] = kept;
            }
        }

        PastLength -= positions;
        _timings.PrepareTicks += Stopwatch.GetTimestamp() - started;
    }

    public ISpeculativeState? Follow(IModelRunner draft)
    {
        if (draft is not OnnxModelRunner runner || _encoderHidden is null || _mask is null || PastLength > 0 || Rows != 1
            || runner.Config.DModel != _runner.Config.DModel)
        {
            return null;
        }

        var hidden = PooledTensor<float>.Rent(_encoderHidden.Shape.ToArray(), (span, _) => _encoderHidden.Data.CopyTo(span), 0);
        var mask = PooledTensor<long>.Rent(_mask.Shape.ToArray(), (span, _) => _mask.Data.CopyTo(span), 0);
        return new OnnxDecoderState(runner, [_sources.Longest], hidden, mask, default);
    }

    public void Reorder(ReadOnlySpan<int> parents)
    {
        var started = Stopwatch.GetTimestamp();
        var sourcesChanged = _sources.Reorder(parents);
        for (var slot = 0; slot < _cache.Length; slot++)
        {
            // Rows of one source share their cross-attention cache, so forks within a source skip it.
            if (!DecoderTensor.IsCrossAttentionSlot(slot) || sourcesChanged)
            {
                _cache[slot] = _cache[slot]?.Rearrange(parents);
            }
        }

        if (sourcesChanged)
        {
            _mask = _mask?.Regather(parents);
            _encoderHidden = _encoderHidden?.Regather(parents);
        }

        _padding = Pick(_padding, parents);
        Rows = parents.Length;
        if (Rows == 0)
        {
            ReleaseAll();
        }
        else if (sourcesChanged && PastLength > 0)
        {
            TrimPadding();
        }

        _timings.PrepareTicks += Stopwatch.GetTimestamp() - started;
    }

    public void Append(IDecoderState other)
    {
        if (other is not OnnxDecoderState state || state._runner != _runner || !_runner.SupportsJoins)
        {
            throw new InvalidOperationException("Rows can join only a state of the same model, whose decoder takes decoder_attention_mask.");
        }

        if (PastLength == 0 || state.PastLength == 0 || Rows == 0 || state.Rows == 0)
        {
            throw new InvalidOperationException("Both states must have rows and have taken their first step.");
        }

        var started = Stopwatch.GetTimestamp();
        var past = Math.Max(PastLength, state.PastLength);
        for (var slot = 0; slot < _cache.Length; slot++)
        {
            var crossAttention = DecoderTensor.IsCrossAttentionSlot(slot);
            var joined = CacheAxis.Stack(_cache[slot]!, state._cache[slot]!, axis: 2, alignEnd: !crossAttention);
            _cache[slot]!.Dispose();
            _cache[slot] = joined;
        }

        var mask = CacheAxis.Stack(_mask!, state._mask!, axis: 1, alignEnd: false);
        _mask!.Dispose();
        _mask = mask;
        var rows = Rows + state.Rows;
        _sources.Append(state._sources);
        _padding = [.. _padding.AsSpan(0, Rows).ToArray().Select(p => p + past - PastLength),
            .. state._padding.AsSpan(0, state.Rows).ToArray().Select(p => p + past - state.PastLength)];
        Rows = rows;
        PastLength = past;
        _timings.RunTicks += state._timings.RunTicks;
        _timings.PrepareTicks += state._timings.PrepareTicks + (Stopwatch.GetTimestamp() - started);
        state.ReleaseAll();
        state.Rows = 0;
    }

    public void Dispose() => ReleaseAll();

    private static int[] Pick(int[] values, ReadOnlySpan<int> parents)
    {
        var picked = new int[parents.Length];
        for (var i = 0; i < parents.Length; i++)
        {
            picked[i] = values[parents[i]];
        }

        return picked;
    }

    /// <summary>
    /// Drops past slots that are padding in every row and source slots beyond every row's source, once
    /// the rows that needed them have left: each step's attention costs in proportion to both axes.
    /// </summary>
    private void TrimPadding()
    {
        var rows = _padding.AsSpan(0, Rows);
        var unusedPast = rows.Length == 0 ? 0 : rows.ToArray().Min();
        var source = (int)_mask!.Shape[1];
        var usedSource = _sources.Longest;
        for (var slot = 0; slot < _cache.Length; slot++)
        {
            var crossAttention = DecoderTensor.IsCrossAttentionSlot(slot);
            if (crossAttention ? usedSource < source : unusedPast > 0)
            {
                var trimmed = crossAttention
                    ? CacheAxis.Window(_cache[slot]!, 2, 0, usedSource)
                    : CacheAxis.Window(_cache[slot]!, 2, unusedPast, PastLength - unusedPast);
                _cache[slot]!.Dispose();
                _cache[slot] = trimmed;
            }
        }

        if (usedSource < source)
        {
            var mask = CacheAxis.Window(_mask, 1, 0, usedSource);
            _mask.Dispose();
            _mask = mask;
        }

        if (unusedPast > 0)
        {
            PastLength -= unusedPast;
            for (var r = 0; r < Rows; r++)
            {
                _padding[r] -= unusedPast;
            }
        }
    }

    /// <summary>Rows × (past + positions): 0 on a row's padding slots, 1 on its real past and the new positions.</summary>
    private OrtValue DecoderMask(int positions)
    {
        var width = PastLength + positions;
        if (_decoderMask.Length < Rows * width)
        {
            _decoderMask = PinnedTensor.Allocate<long>(Rows * width * 2);
        }

        var mask = _decoderMask.AsSpan(0, Rows * width);
        mask.Fill(1);
        for (var r = 0; r < Rows; r++)
        {
            mask.Slice(r * width, _padding[r]).Clear();
        }

        return Temporary(PinnedTensor.Over(_decoderMask, [Rows, width]));
    }

    private OrtValue Input(DecoderTensor input, string name, OrtValue ids, int positions)
    {
        var first = PastLength == 0;
        switch (input.Kind)
        {
            case DecoderTensorKind.InputIds:
                return ids;
            case DecoderTensorKind.EncoderAttentionMask:
                return _mask!.Value;
            case DecoderTensorKind.DecoderAttentionMask:
                return DecoderMask(positions);
            case DecoderTensorKind.EncoderHiddenStates:
                return first ? _encoderHidden!.Value : Placeholder([Rows, 0, _runner.Config.DModel]);
            case DecoderTensorKind.UseCacheBranch:
                _useCache[0] = !first;
                return Temporary(PinnedTensor.Over(_useCache, [1]));
            case DecoderTensorKind.Past:
                return first
                    ? Placeholder([Rows, _heads, 0, _headSize])
                    : _cache[input.Layer * DecoderTensor.CacheSlotsPerLayer + input.CacheSlot]!.Value;
            default:
                throw new InvalidOperationException($"The decoder input '{name}' is not one the engine knows how to feed.");
        }
    }

    private OrtValue Placeholder(long[] shape) => Temporary(PinnedTensor.Over(PlaceholderStorage, shape));

    private OrtValue Temporary(OrtValue value)
    {
        _temporaries.Add(value);
        return value;
    }

    private void DisposeTemporaries()
    {
        foreach (var value in _temporaries)
        {
            value.Dispose();
        }

        _temporaries.Clear();
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
        for (var slot = 0; slot < _cache.Length; slot++)
        {
            _cache[slot]?.Dispose();
            _cache[slot] = null;
        }

        ReleaseStepOutputs();
        _mask?.Dispose();
        _mask = null;
        _encoderHidden?.Dispose();
        _encoderHidden = null;
        DisposeTemporaries();
    }
}
