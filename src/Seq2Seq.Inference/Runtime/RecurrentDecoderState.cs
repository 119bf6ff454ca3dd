using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// The rows of one cohort on a <see cref="RecurrentModelRunner"/>: the encoder's per-position tensors (per
/// source, fed unchanged every step) and the recurrent states (per row, replaced every step). A state has no time
/// axis, so another state's rows can be appended at any step: only the per-position tensors are padded, at the
/// end of the source axis, to the longest source, and the mask hides the padding from the attention.
/// </summary>
internal sealed class RecurrentDecoderState : DecoderState
{
    private readonly RecurrentModelRunner _runner;
    private readonly RecurrentSignature _signature;
    private readonly PooledTensor<float>?[] _memory;
    private readonly PooledTensor<float>?[] _states;
    private readonly OrtValue[] _inputs;

    public RecurrentDecoderState(RecurrentModelRunner runner, int[] sourceLengths, PooledTensor<long> mask,
        PooledTensor<float>[] memory, PooledTensor<float>[] states, RunnerTimings encodeTimings)
        : base(sourceLengths, mask, encodeTimings)
    {
        _runner = runner;
        _signature = runner.Signature;
        _memory = memory;
        _states = states;
        _inputs = new OrtValue[_signature.DecoderInputs.Length];
    }

    protected override string JoinRule => "Rows can join only a state of the same model.";

    public override Span<float> Step(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != Rows || Rows == 0)
        {
            throw new ArgumentException($"Expected one token for each of the {Rows} rows, got {tokens.Length}.", nameof(tokens));
        }

        var started = Stopwatch.GetTimestamp();
        var ranBefore = RunTicks;
        using var ids = Tokens.Over(tokens);
        for (var i = 0; i < _inputs.Length; i++)
        {
            var input = _signature.Inputs[i];
            _inputs[i] = input.Kind switch
            {
                RecurrentInputKind.InputIds => ids,
                RecurrentInputKind.EncoderAttentionMask => Mask!.Value,
                RecurrentInputKind.Memory => _memory[input.Index]!.Value,
                _ => _states[input.Index]!.Value,
            };
        }

        var logits = TakeOutputs(Run(_runner.Decoder, _runner.RunOptions, _signature.DecoderInputs, _inputs, _signature.DecoderOutputs));
        PastLength++;
        AddPrepareTime(started, RunTicks - ranBefore);
        return logits;
    }

    protected override bool CanJoin(DecoderState other) => ((RecurrentDecoderState)other)._runner == _runner;

    protected override void GatherRows(ReadOnlySpan<int> parents, bool sourcesChanged)
    {
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
        }
    }

    protected override void JoinRows(DecoderState other, int past)
    {
        var state = (RecurrentDecoderState)other;
        for (var s = 0; s < _states.Length; s++)
        {
            Replace(ref _states[s], CacheAxis.Concat(_states[s]!, state._states[s]!));
        }

        for (var m = 0; m < _memory.Length; m++)
        {
            Replace(ref _memory[m], CacheAxis.Stack(_memory[m]!, state._memory[m]!, axis: 1, alignEnd: false));
        }
    }

    protected override bool Trim(int usedSource)
    {
        if (usedSource < SourceWidth)
        {
            for (var m = 0; m < _memory.Length; m++)
            {
                Replace(ref _memory[m], CacheAxis.Window(_memory[m]!, 1, 0, usedSource));
            }
        }

        return true;
    }

    protected override StepOutput UseOf(int index) =>
        _signature.PresentOutputs[index] >= 0 ? StepOutput.Kept
        : index == _signature.LogitsOutput ? StepOutput.Logits
        : index == _signature.AttentionOutput ? StepOutput.Attention
        : StepOutput.Drop;

    protected override void Keep(int index, OrtValue value) =>
        Replace(ref _states[_signature.PresentOutputs[index]], PooledTensor<float>.Wrap(value));

    protected override void ReleaseTensors()
    {
        foreach (var tensors in new[] { _states, _memory })
        {
            for (var i = 0; i < tensors.Length; i++)
            {
                tensors[i]?.Dispose();
                tensors[i] = null;
            }
        }
    }
}
