using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Seq2Seq.Inference.Bundles;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// The names of a recurrent bundle's graphs, classified once and checked against the state contract
/// (docs/recurrent-model.md): which encoder outputs are initial states and which are per-position memory, and
/// where each decoder input and output goes.
/// </summary>
internal sealed class RecurrentSignature
{
    public const string InitialStatePrefix = "initial_state.";
    public const string StatePrefix = "state.";
    public const string PresentStatePrefix = "present_state.";
    public const string AttentionName = "cross_attentions";

    private RecurrentSignature(string[] encoderOutputs, (bool, int)[] slots, string[] memory, string[] states,
        string[] decoderInputs, RecurrentInput[] inputs, string[] decoderOutputs, int[] presentOutputs, int logits, int attention)
    {
        EncoderOutputs = encoderOutputs;
        EncoderOutputSlots = slots;
        Memory = memory;
        States = states;
        DecoderInputs = decoderInputs;
        Inputs = inputs;
        DecoderOutputs = decoderOutputs;
        PresentOutputs = presentOutputs;
        LogitsOutput = logits;
        AttentionOutput = attention;
    }

    public string[] EncoderOutputs { get; }

    /// <summary>Per encoder output: whether it is an initial state, and its index among states or memory.</summary>
    public (bool IsState, int Index)[] EncoderOutputSlots { get; }

    /// <summary>Per-position encoder tensors [batch, source, ...], fed to the decoder input of the same name.</summary>
    public string[] Memory { get; }

    /// <summary>Recurrent states, by number: state.N in, present_state.N out.</summary>
    public string[] States { get; }

    public string[] DecoderInputs { get; }

    /// <summary>What each decoder input carries, in <see cref="DecoderInputs"/> order.</summary>
    public RecurrentInput[] Inputs { get; }

    public string[] DecoderOutputs { get; }

    /// <summary>Per decoder output: the state number it updates, or -1.</summary>
    public int[] PresentOutputs { get; }

    public int LogitsOutput { get; }

    /// <summary>Index of cross_attentions among the decoder outputs; -1 when the graph has none.</summary>
    public int AttentionOutput { get; }

    public static RecurrentSignature Check(InferenceSession encoder, string encoderPath, InferenceSession decoder, string decoderPath, ModelConfig config)
    {
        Require(encoder.InputMetadata, encoderPath, "input_ids", TensorElementType.Int64, 2);
        Require(encoder.InputMetadata, encoderPath, "attention_mask", TensorElementType.Int64, 2);
        var encoderOutputs = encoder.OutputNames.ToArray();
        var memory = new List<string>();
        var states = new SortedDictionary<int, string>();
        var slots = new (bool, int)[encoderOutputs.Length];
        for (var o = 0; o < encoderOutputs.Length; o++)
        {
            var name = encoderOutputs[o];
            if (name.StartsWith(InitialStatePrefix, StringComparison.Ordinal))
            {
                var number = StateNumber(name, InitialStatePrefix, encoderPath);
                Require(encoder.OutputMetadata, encoderPath, name, TensorElementType.Float, -1);
                states[number] = name;
                continue;
            }

            var node = Require(encoder.OutputMetadata, encoderPath, name, TensorElementType.Float, -1);
            if (node.Dimensions.Length < 3)
            {
                throw new ModelBundleException(encoderPath, name, $"has rank {node.Dimensions.Length}; per-position encoder outputs are [batch, source, ...].");
            }

            slots[o] = (false, memory.Count);
            memory.Add(name);
        }

        var gap = Enumerable.Range(0, states.Count + 1).First(n => !states.ContainsKey(n));
        if (gap < states.Count || states.Count == 0)
        {
            throw new ModelBundleException(encoderPath, InitialStatePrefix + gap,
                $"is missing from the graph; a recurrent encoder outputs the decoder's initial states {InitialStatePrefix}0..N-1.");
        }

        for (var o = 0; o < encoderOutputs.Length; o++)
        {
            if (encoderOutputs[o].StartsWith(InitialStatePrefix, StringComparison.Ordinal))
            {
                slots[o] = (true, StateNumber(encoderOutputs[o], InitialStatePrefix, encoderPath));
            }
        }

        var decoderInputs = decoder.InputNames.ToArray();
        var inputs = new RecurrentInput[decoderInputs.Length];
        for (var i = 0; i < decoderInputs.Length; i++)
        {
            var name = decoderInputs[i];
            inputs[i] = name switch
            {
                "input_ids" => new(RecurrentInputKind.InputIds, 0),
                "encoder_attention_mask" => new(RecurrentInputKind.EncoderAttentionMask, 0),
                _ when name.StartsWith(StatePrefix, StringComparison.Ordinal) => new(RecurrentInputKind.State, StateNumber(name, StatePrefix, decoderPath)),
                _ when memory.Contains(name) => new(RecurrentInputKind.Memory, memory.IndexOf(name)),
                _ => throw new ModelBundleException(decoderPath, name, "is an input that neither the encoder nor the state contract provides."),
            };
            if (inputs[i].Kind == RecurrentInputKind.State && !states.ContainsKey(inputs[i].Index))
            {
                throw new ModelBundleException(decoderPath, name, $"has no {InitialStatePrefix}{inputs[i].Index} output in {Path.GetFileName(encoderPath)}.");
            }
        }

        Require(decoder.InputMetadata, decoderPath, "input_ids", TensorElementType.Int64, 2);
        Require(decoder.InputMetadata, decoderPath, "encoder_attention_mask", TensorElementType.Int64, 2);
        var decoderOutputs = decoder.OutputNames.ToArray();
        var present = new int[decoderOutputs.Length];
        for (var o = 0; o < decoderOutputs.Length; o++)
        {
            present[o] = decoderOutputs[o].StartsWith(PresentStatePrefix, StringComparison.Ordinal)
                ? StateNumber(decoderOutputs[o], PresentStatePrefix, decoderPath)
                : -1;
        }

        foreach (var number in states.Keys)
        {
            Require(decoder.InputMetadata, decoderPath, StatePrefix + number, TensorElementType.Float, -1);
            Require(decoder.OutputMetadata, decoderPath, PresentStatePrefix + number, TensorElementType.Float, -1);
        }

        var logits = Require(decoder.OutputMetadata, decoderPath, "logits", TensorElementType.Float, 3);
        if (logits.Dimensions[2] > 0 && logits.Dimensions[2] != config.VocabSize)
        {
            throw new ModelBundleException(decoderPath, "logits", $"has {logits.Dimensions[2]} columns, but config.json says vocab_size = {config.VocabSize}.");
        }

        if (decoder.OutputMetadata.ContainsKey(AttentionName))
        {
            Require(decoder.OutputMetadata, decoderPath, AttentionName, TensorElementType.Float, 3);
        }

        return new RecurrentSignature(encoderOutputs, slots, [.. memory], [.. states.Values], decoderInputs, inputs, decoderOutputs,
            present, Array.IndexOf(decoderOutputs, "logits"), Array.IndexOf(decoderOutputs, AttentionName));
    }

    private static int StateNumber(string name, string prefix, string path) =>
        int.TryParse(name.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ModelBundleException(path, name, $"must be {prefix}N with N a number.");

    /// <summary>Checks element type and, unless <paramref name="rank"/> is -1, rank.</summary>
    private static NodeMetadata Require(IReadOnlyDictionary<string, NodeMetadata> nodes, string path, string name, TensorElementType type, int rank)
    {
        if (!nodes.TryGetValue(name, out var node))
        {
            throw new ModelBundleException(path, name, "is missing from the graph.");
        }

        if (node.ElementDataType != type)
        {
            throw new ModelBundleException(path, name, $"has element type {node.ElementDataType}, expected {type}.");
        }

        if (rank >= 0 && node.Dimensions.Length != rank)
        {
            throw new ModelBundleException(path, name, $"has rank {node.Dimensions.Length}, expected {rank}.");
        }

        return node;
    }
}

internal enum RecurrentInputKind
{
    InputIds,
    EncoderAttentionMask,
    Memory,
    State,
}

/// <summary>A decoder input of a recurrent bundle: its kind and, for memory and states, which one.</summary>
internal readonly record struct RecurrentInput(RecurrentInputKind Kind, int Index);
