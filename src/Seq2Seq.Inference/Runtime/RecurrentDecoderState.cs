using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// The rows of one cohort on a <see cref="RecurrentModelRunner"/>: the encoder's per-position tensors and
/// attention mask (fed unchanged every step), the recurrent states (replaced every step), and the last
/// step's logits and attention. Every tensor keeps rows in its first dimension, so dropping, forking and
/// reordering rows is a row gather; rows of one source share their encoder tensors, so forks within a
/// source leave those alone.
/// </summary>
internal sealed class RecurrentDecoderState : IDecoderState, IAttentionState
{
    private readonly RecurrentModelRunner _runner;
    private readonly RecurrentSignature _signature;
    private readonly PooledTensor<float>?[] _memory;
    private readonly PooledTensor<float>?[] _states;
    private readonly OrtValue[] _inputs;
    private PooledTensor<long>? _mask;
    private OrtValue? _logits;
    private OrtValue? _attention;
    private int[] _sourceOfRow;
    private int[] _nextSourceOfRow = [];
    private long[] _ids;
    private RunnerTimings _timings;

    public RecurrentDecoderState(RecurrentModelRunner runner, int rows, int sourceLength, PooledTensor<long> mask,
        PooledTensor<float>[] memory, PooledTensor<float>[] states, RunnerTimings encodeTimings)
    {
        _runner = runner;
        _signature = runner.Signature;
        _mask = mask;
        _memory = memory;
        _states = states;
        _inputs = new OrtValue[_signature.DecoderInputs.Length];
        _timings = encodeTimings;
        _sourceOfRow = [.. Enumerable.Range(0, rows)];
        _ids = PinnedTensor.Allocate<long>(rows);
        Rows = rows;
        SourceWidth = sourceLength;
    }

    public int Rows { get; private set; }

    public int PastLength { get; private set; }

    public int SourceWidth { get; }

    public RunnerTimings Timings => _timings;

    public ReadOnlySpan<float> Attention => _attention is null
        ? throw new InvalidOperationException("No attention: the decoder has no cross_attentions output, or no step has run.")
        : _attention.GetTensorDataAsSpan<float>();

    public Span<float> Step(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != Rows || Rows == 0)
        {
            throw new ArgumentException($"Expected one token for each of the {Rows} rows, got {tokens.Length}.", nameof(tokens));
        }

        var started = Stopwatch.GetTimestamp();
        for (var r = 0; r < Rows; r++)
        {
            _ids[r] = tokens[r];
        }

        using var ids = PinnedTensor.Over(_ids, [Rows, 1]);
        for (var i = 0; i < _inputs.Length; i++)
        {
            var input = _signature.Inputs[i];
            _inputs[i] = input.Kind switch
            {
                RecurrentInputKind.InputIds => ids,
                RecurrentInputKind.EncoderAttentionMask => _mask!.Value,
                RecurrentInputKind.Memory => _memory[input.Index]!.Value,
                _ => _states[input.Index]!.Value,
            };
        }

        var run = Stopwatch.GetTimestamp();
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = _runner.Decoder.Run(_runner.RunOptions, _signature.DecoderInputs, _inputs, _signature.DecoderOutputs);
        }
        finally
        {
            _timings.RunTicks += Stopwatch.GetTimestamp() - run;
        }

        var ran = Stopwatch.GetTimestamp();
        ReleaseStepOutputs();
        var o = 0;

        // Each output goes to an owner (a state slot, the logits, the attention) or is released now; the
        // collection itself is never disposed, since that would release the kept ones too.
        foreach (var value in outputs)
        {
            var index = o++;
            if (_signature.PresentOutputs[index] is var state and >= 0)
            {
                _states[state]?.Dispose();
                _states[state] = PooledTensor<float>.Wrap(value);
            }
            else if (index == _signature.LogitsOutput)
            {
                _logits = value;
            }
            else if (index == _signature.AttentionOutput)
            {
                _attention = value;
            }
            else
            {
                value.Dispose();
            }
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

        for (var s = 0; s < _states.Length; s++)
        {
            _states[s] = Rearrange(_states[s], parents, Rows);
        }

        if (sourcesChanged)
        {
            for (var m = 0; m < _memory.Length; m++)
            {
                _memory[m] = Regather(_memory[m], parents);
            }

            _mask = Regather(_mask, parents);
        }

        // The last step's outputs describe the old rows.
        ReleaseStepOutputs();
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

    /// <summary>In place when rows only move or leave; a new buffer when beam search forks into more rows.</summary>
    private static PooledTensor<float>? Rearrange(PooledTensor<float>? tensor, ReadOnlySpan<int> parents, int rows)
    {
        if (tensor is null || parents.Length == 0)
        {
            tensor?.Dispose();
            return null;
        }

        if (parents.Length <= rows)
        {
            return tensor.Compact(parents);
        }

        var gathered = tensor.Gather(parents);
        tensor.Dispose();
        return gathered;
    }

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

    private void ReleaseStepOutputs()
    {
        _logits?.Dispose();
        _logits = null;
        _attention?.Dispose();
        _attention = null;
    }

    private void ReleaseAll()
    {
        for (var s = 0; s < _states.Length; s++)
        {
            _states[s]?.Dispose();
            _states[s] = null;
        }

        for (var m = 0; m < _memory.Length; m++)
        {
            _memory[m]?.Dispose();
            _memory[m] = null;
        }

        _mask?.Dispose();
        _mask = null;
        ReleaseStepOutputs();
    }
}
