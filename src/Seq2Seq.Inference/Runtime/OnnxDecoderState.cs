using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// The rows of one cohort on an <see cref="OnnxModelRunner"/>: the cross-attention keys/values of step 1
/// (per source, fed back every step) and the self-attention past (per row), which grows by one position per
/// step. With a decoder that takes decoder_attention_mask, another state's rows can be appended: a row's past
/// then sits at the end of the past axis after some padding slots, and its source at the start of the source
/// axis; both masks hide the padding. A step may feed several positions per row (the decoder masks later
/// positions causally) and positions can be given back.
/// </summary>
internal sealed class OnnxDecoderState : DecoderState, ISpeculativeState
{
    // Backs the zero-length placeholders: the graphs declare inputs that the chosen branch never reads.
    private static readonly float[] PlaceholderStorage = PinnedTensor.Allocate<float>(1);

    private readonly OnnxModelRunner _runner;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly PooledTensor<float>?[] _cache;
    private readonly bool[] _useCache = PinnedTensor.Allocate<bool>(1);
    private readonly List<OrtValue> _temporaries = [];
    private OrtValue[] _inputs = [];
    private PooledTensor<float>? _encoderHidden;
    private int[] _padding;
    private long[] _decoderMask = [];
    private DecoderGraph? _stepGraph;

    public OnnxDecoderState(OnnxModelRunner runner, int[] sourceLengths, PooledTensor<float> encoderHidden,
        PooledTensor<long> mask, RunnerTimings encodeTimings)
        : base(sourceLengths, mask, encodeTimings)
    {
        _runner = runner;
        _heads = runner.Config.DecoderAttentionHeads;
        _headSize = runner.Config.DecoderHeadSize;
        _cache = new PooledTensor<float>?[runner.Config.DecoderLayers * DecoderTensor.CacheSlotsPerLayer];
        _encoderHidden = encoderHidden;
        _padding = new int[sourceLengths.Length];
    }

    protected override string JoinRule => "Rows can join only a state of the same model, whose decoder takes decoder_attention_mask.";

    public override Span<float> Step(ReadOnlySpan<int> tokens) => Step(tokens, 1);

    public Span<float> Step(ReadOnlySpan<int> tokens, int positions)
    {
        if (positions < 1 || tokens.Length != Rows * positions || Rows == 0)
        {
            throw new ArgumentException($"Expected {positions} token(s) for each of the {Rows} rows, got {tokens.Length}.", nameof(tokens));
        }

        var started = Stopwatch.GetTimestamp();
        var ranBefore = RunTicks;
        var graph = PastLength == 0 ? _runner.FirstStep : _runner.WithPast;
        var ids = Temporary(Tokens.Over(tokens, positions));

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

        Span<float> logits;
        _stepGraph = graph;
        try
        {
            logits = TakeOutputs(Run(graph.Session, _runner.RunOptions, feedMask ? graph.InputNamesWithMask : graph.InputNames, _inputs, graph.OutputNames));
        }
        finally
        {
            DisposeTemporaries();
        }

        if (PastLength == 0)
        {
            // Cross-attention keys/values now hold what the decoder needs of the encoder's states.
            _encoderHidden?.Dispose();
            _encoderHidden = null;
        }

        PastLength += positions;
        AddPrepareTime(started, RunTicks - ranBefore);
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
                Replace(ref _cache[slot], CacheAxis.Window(_cache[slot]!, 2, 0, PastLength - positions));
            }
        }

        PastLength -= positions;
        AddPrepareTime(started);
    }

    public ISpeculativeState? Follow(IModelRunner draft)
    {
        if (draft is not OnnxModelRunner runner || _encoderHidden is null || Mask is not { } mask || PastLength > 0 || Rows != 1
            || runner.Config.DModel != _runner.Config.DModel)
        {
            return null;
        }

        var hidden = PooledTensor<float>.Rent(_encoderHidden.Shape.ToArray(), (span, _) => _encoderHidden.Data.CopyTo(span), 0);
        var copy = PooledTensor<long>.Rent(mask.Shape.ToArray(), (span, _) => mask.Data.CopyTo(span), 0);
        return new OnnxDecoderState(runner, [Sources.Longest], hidden, copy, default);
    }

    protected override bool CanJoin(DecoderState other) => ((OnnxDecoderState)other)._runner == _runner && _runner.SupportsJoins;

    protected override void GatherRows(ReadOnlySpan<int> parents, bool sourcesChanged)
    {
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
            _encoderHidden = _encoderHidden?.Regather(parents);
        }

        _padding = Pick(_padding, parents);
    }

    protected override void JoinRows(DecoderState other, int past)
    {
        var state = (OnnxDecoderState)other;
        for (var slot = 0; slot < _cache.Length; slot++)
        {
            var crossAttention = DecoderTensor.IsCrossAttentionSlot(slot);
            Replace(ref _cache[slot], CacheAxis.Stack(_cache[slot]!, state._cache[slot]!, axis: 2, alignEnd: !crossAttention));
        }

        _padding = [.. _padding.AsSpan(0, Rows).ToArray().Select(p => p + past - PastLength),
            .. state._padding.AsSpan(0, state.Rows).ToArray().Select(p => p + past - state.PastLength)];
    }

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
    /// Also drops past slots that are padding in every row. Before the first step the encoder's states still
    /// span the whole source axis, so nothing narrows.
    /// </summary>
    protected override bool Trim(int usedSource)
    {
        if (PastLength == 0)
        {
            return false;
        }

        var unusedPast = _padding.AsSpan(0, Rows).ToArray().Min();
        for (var slot = 0; slot < _cache.Length; slot++)
        {
            var crossAttention = DecoderTensor.IsCrossAttentionSlot(slot);
            if (crossAttention ? usedSource < SourceWidth : unusedPast > 0)
            {
                Replace(ref _cache[slot], crossAttention
                    ? CacheAxis.Window(_cache[slot]!, 2, 0, usedSource)
                    : CacheAxis.Window(_cache[slot]!, 2, unusedPast, PastLength - unusedPast));
            }
        }

        if (unusedPast > 0)
        {
            PastLength -= unusedPast;
            for (var r = 0; r < Rows; r++)
            {
                _padding[r] -= unusedPast;
            }
        }

        return true;
    }

    protected override StepOutput UseOf(int index)
    {
        var output = _stepGraph!.Outputs[index];
        return output.Kind switch
        {
            // Cross-attention keys/values are computed at the first step only.
            DecoderTensorKind.Present when !output.Encoder || PastLength == 0 => StepOutput.Kept,
            DecoderTensorKind.Logits => StepOutput.Logits,
            DecoderTensorKind.CrossAttentions => StepOutput.Attention,
            _ => StepOutput.Drop,
        };
    }

    protected override void Keep(int index, OrtValue value)
    {
        var output = _stepGraph!.Outputs[index];
        Replace(ref _cache[output.Layer * DecoderTensor.CacheSlotsPerLayer + output.CacheSlot], PooledTensor<float>.Wrap(value));
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
                return Mask!.Value;
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

    protected override void ReleaseTensors()
    {
        for (var slot = 0; slot < _cache.Length; slot++)
        {
            _cache[slot]?.Dispose();
            _cache[slot] = null;
        }

        _encoderHidden?.Dispose();
        _encoderHidden = null;
        DisposeTemporaries();
    }
}
