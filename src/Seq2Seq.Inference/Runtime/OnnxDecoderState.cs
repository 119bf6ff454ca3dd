using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// The rows of one cohort on an <see cref="OnnxModelRunner"/>: the encoder attention mask, the
/// cross-attention keys/values of step 1 (fed back every step), and the self-attention past, which grows
/// by one position per step. Every cache tensor keeps rows in its first dimension, so dropping, forking
/// and reordering rows is a row gather.
/// </summary>
internal sealed class OnnxDecoderState : IDecoderState, IAttentionState
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
    private PooledTensor<long>? _mask;
    private OrtValue? _logits;
    private OrtValue? _attention;
    private int[] _sourceOfRow;
    private int[] _nextSourceOfRow = [];
    private long[] _ids;
    private RunnerTimings _timings;

    public OnnxDecoderState(OnnxModelRunner runner, int rows, int sourceLength, PooledTensor<float> encoderHidden,
        PooledTensor<long> mask, RunnerTimings encodeTimings)
    {
        _runner = runner;
        _heads = runner.Config.DecoderAttentionHeads;
        _headSize = runner.Config.DecoderHeadSize;
        _cache = new PooledTensor<float>?[runner.Config.DecoderLayers * DecoderTensor.CacheSlotsPerLayer];
        _encoderHidden = encoderHidden;
        _mask = mask;
        _timings = encodeTimings;
        _sourceOfRow = [.. Enumerable.Range(0, rows)];
        _ids = PinnedTensor.Allocate<long>(rows);
        Rows = rows;
        SourceLength = sourceLength;
    }

    public int Rows { get; private set; }

    public int PastLength { get; private set; }

    public int SourceLength { get; }

    public int SourceWidth => SourceLength;

    public ReadOnlySpan<float> Attention => _attention is null
        ? throw new InvalidOperationException("No attention: the decoder has no cross_attentions output, or no step has run.")
        : _attention.GetTensorDataAsSpan<float>();

    public RunnerTimings Timings => _timings;

    public Span<float> Step(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != Rows || Rows == 0)
        {
            throw new ArgumentException($"Expected one token for each of the {Rows} rows, got {tokens.Length}.", nameof(tokens));
        }

        var started = Stopwatch.GetTimestamp();
        var graph = PastLength == 0 ? _runner.FirstStep : _runner.WithPast;
        for (var r = 0; r < Rows; r++)
        {
            _ids[r] = tokens[r];
        }

        var ids = Temporary(PinnedTensor.Over(_ids, [Rows, 1]));
        if (_inputs.Length != graph.Inputs.Length)
        {
            _inputs = new OrtValue[graph.Inputs.Length];
        }

        for (var i = 0; i < graph.Inputs.Length; i++)
        {
            _inputs[i] = Input(graph.Inputs[i], graph.InputNames[i], ids);
        }

        var run = Stopwatch.GetTimestamp();
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = graph.Session.Run(_runner.RunOptions, graph.InputNames, _inputs, graph.OutputNames);
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

        PastLength++;
        var logits = _logits!.GetTensorMutableDataAsSpan<float>();
        _timings.PrepareTicks += (run - started) + (Stopwatch.GetTimestamp() - ran);
        return logits;
    }

    public void Reorder(ReadOnlySpan<int> parents)
    {
        var started = Stopwatch.GetTimestamp();
        if (_nextSourceOfRow.Length < parents.Length)
        {
            _nextSourceOfRow = new int[parents.Length];
        }

        var sources = _nextSourceOfRow;
        var sourcesChanged = parents.Length != Rows;
        for (var i = 0; i < parents.Length; i++)
        {
            sources[i] = _sourceOfRow[parents[i]];
            sourcesChanged = sourcesChanged || sources[i] != _sourceOfRow[i];
        }

        for (var slot = 0; slot < _cache.Length; slot++)
        {
            // Rows of one source share their cross-attention cache, so forks within a source skip it.
            var crossAttention = DecoderTensor.IsCrossAttentionSlot(slot);
            if (_cache[slot] is not { } tensor || (crossAttention && !sourcesChanged))
            {
                continue;
            }

            if (parents.Length == 0)
            {
                tensor.Dispose();
                _cache[slot] = null;
            }
            else if (parents.Length > Rows)
            {
                // Beam search forking its first row: more rows than the tensor has, so a new buffer.
                _cache[slot] = tensor.Gather(parents);
                tensor.Dispose();
            }
            else
            {
                _cache[slot] = tensor.Compact(parents);
            }
        }

        if (sourcesChanged)
        {
            _mask = Regather(_mask, parents);
            _encoderHidden = Regather(_encoderHidden, parents);
        }

        (_sourceOfRow, _nextSourceOfRow) = (sources, _sourceOfRow);
        Rows = parents.Length;
        if (_ids.Length < Rows)
        {
            _ids = PinnedTensor.Allocate<long>(Rows);
        }

        if (Rows == 0)
        {
            ReleaseAll();
        }

        _timings.PrepareTicks += Stopwatch.GetTimestamp() - started;
    }

    public void Dispose() => ReleaseAll();

    private static PooledTensor<T>? Regather<T>(PooledTensor<T>? tensor, ReadOnlySpan<int> parents) where T : unmanaged
    {
        if (tensor is null)
        {
            return null;
        }

        var gathered = parents.Length == 0 ? null : tensor.Gather(parents);
        tensor.Dispose();
        return gathered;
    }

    private OrtValue Input(DecoderTensor input, string name, OrtValue ids)
    {
        var first = PastLength == 0;
        switch (input.Kind)
        {
            case DecoderTensorKind.InputIds:
                return ids;
            case DecoderTensorKind.EncoderAttentionMask:
                return _mask!.Value;
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
