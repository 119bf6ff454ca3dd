using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// The rows of one cohort on a <see cref="RecurrentModelRunner"/>: the encoder's per-position tensors and
/// attention mask (fed unchanged every step), the recurrent states (replaced every step), and the last
/// step's logits and attention. Every tensor keeps rows in its first dimension, so dropping, forking and
/// reordering rows is a row gather; rows of one source share their encoder tensors, so forks within a
/// source leave those alone. A state has no time axis, so another state's rows can be appended at any step:
/// only the per-position tensors and the mask are padded, at the end of the source axis, to the longest
/// source, and the mask hides the padding from the attention.
/// </summary>
internal sealed class RecurrentDecoderState : IDecoderState, IAttentionState
{
    private readonly RecurrentModelRunner _runner;
    private readonly RecurrentSignature _signature;
    private readonly PooledTensor<float>?[] _memory;
    private readonly PooledTensor<float>?[] _states;
    private readonly OrtValue[] _inputs;
    private readonly RowSources _sources;
    private readonly StepTokens _tokens = new();
    private PooledTensor<long>? _mask;
    private OrtValue? _logits;
    private OrtValue? _attention;
    private RunnerTimings _timings;

    public RecurrentDecoderState(RecurrentModelRunner runner, int[] sourceLengths, PooledTensor<long> mask,
        PooledTensor<float>[] memory, PooledTensor<float>[] states, RunnerTimings encodeTimings)
    {
        _runner = runner;
        _signature = runner.Signature;
        _mask = mask;
        _memory = memory;
        _states = states;
        _inputs = new OrtValue[_signature.DecoderInputs.Length];
        _timings = encodeTimings;
        _sources = new RowSources(sourceLengths);
        Rows = sourceLengths.Length;
    }

    public int Rows { get; private set; }

    /// <summary>Steps taken: the most any row has taken, once rows have joined.</summary>
    public int PastLength { get; private set; }

    /// <summary>
    /// The source axis as it is now: joins widen it and trimming narrows it, and the last step's attention
    /// (read before either) has this width.
    /// </summary>
    public int SourceWidth => _mask is null ? 0 : (int)_mask.Shape[1];

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
        using var ids = _tokens.Over(tokens);
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
        var sourcesChanged = _sources.Reorder(parents);
        for (var s = 0; s < _states.Length; s++)
        {
            _states[s] = _states[s]?.Rearrange(parents);
        }

        if (sourcesChanged)
        {
            for (var m = 0; m < _memory.Length; m++)
            {
                _memory[m] = _memory[m]?.Regather(parents);
            }

            _mask = _mask?.Regather(parents);
        }

        // The last step's outputs describe the old rows.
        ReleaseStepOutputs();
        Rows = parents.Length;
        if (Rows == 0)
        {
            ReleaseAll();
        }
        else if (sourcesChanged)
        {
            TrimSource();
        }

        _timings.PrepareTicks += Stopwatch.GetTimestamp() - started;
    }

    public void Append(IDecoderState other)
    {
        if (other is not RecurrentDecoderState state || state._runner != _runner)
        {
            throw new InvalidOperationException("Rows can join only a state of the same model.");
        }

        if (Rows == 0 || state.Rows == 0)
        {
            throw new InvalidOperationException("Both states must have rows.");
        }

        var started = Stopwatch.GetTimestamp();
        for (var s = 0; s < _states.Length; s++)
        {
            var joined = CacheAxis.Concat(_states[s]!, state._states[s]!);
            _states[s]!.Dispose();
            _states[s] = joined;
        }

        for (var m = 0; m < _memory.Length; m++)
        {
            var joined = CacheAxis.Stack(_memory[m]!, state._memory[m]!, axis: 1, alignEnd: false);
            _memory[m]!.Dispose();
            _memory[m] = joined;
        }

        var mask = CacheAxis.Stack(_mask!, state._mask!, axis: 1, alignEnd: false);
        _mask!.Dispose();
        _mask = mask;
        _sources.Append(state._sources);
        ReleaseStepOutputs();
        Rows += state.Rows;
        PastLength = Math.Max(PastLength, state.PastLength);
        _timings.RunTicks += state._timings.RunTicks;
        _timings.PrepareTicks += state._timings.PrepareTicks + (Stopwatch.GetTimestamp() - started);
        state.ReleaseAll();
        state.Rows = 0;
    }

    public void Dispose() => ReleaseAll();

    /// <summary>
    /// Drops source positions beyond every remaining row's source, once the rows that needed them have left:
    /// each step's attention costs in proportion to the source axis.
    /// </summary>
    private void TrimSource()
    {
        var used = _sources.Longest;
        if (used >= SourceWidth)
        {
            return;
        }

        for (var m = 0; m < _memory.Length; m++)
        {
            var trimmed = CacheAxis.Window(_memory[m]!, 1, 0, used);
            _memory[m]!.Dispose();
            _memory[m] = trimmed;
        }

        var mask = CacheAxis.Window(_mask!, 1, 0, used);
        _mask!.Dispose();
        _mask = mask;
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
