using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Seq2Seq.Inference.Bundles;

namespace Seq2Seq.Inference.Runtime;

/// <summary>Which decoder graph a file is, and so which inputs and outputs it must have.</summary>
internal enum DecoderRole
{
    /// <summary>decoder_model.onnx: no past in, all presents out.</summary>
    NoPast,

    /// <summary>decoder_with_past_model.onnx: past in, decoder presents out.</summary>
    WithPast,

    /// <summary>decoder_model_merged.onnx: both, behind use_cache_branch.</summary>
    Merged,
}

/// <summary>
/// Checks an ONNX graph's inputs and outputs against what config.json implies (layer count, heads, head
/// size, hidden size, vocabulary) and fails naming the file and the tensor.
/// </summary>
internal static class SignatureCheck
{
    public static void Encoder(InferenceSession session, string path, ModelConfig config)
    {
        var inputs = session.InputMetadata;
        Require(inputs, path, "input_ids", TensorElementType.Int64, 2);
        Require(inputs, path, "attention_mask", TensorElementType.Int64, 2);
        var hidden = Require(session.OutputMetadata, path, "last_hidden_state", TensorElementType.Float, 3);
        Dimension(hidden, path, 2, config.DModel, "d_model");
    }

    public static void Decoder(InferenceSession session, string path, ModelConfig config, DecoderRole role)
    {
        var inputs = session.InputMetadata;
        Require(inputs, path, "input_ids", TensorElementType.Int64, 2);
        Require(inputs, path, "encoder_attention_mask", TensorElementType.Int64, 2);
        if (role != DecoderRole.WithPast)
        {
            var hidden = Require(inputs, path, "encoder_hidden_states", TensorElementType.Float, 3);
            Dimension(hidden, path, 2, config.DModel, "d_model");
        }

        if (role == DecoderRole.Merged)
        {
            Require(inputs, path, "use_cache_branch", TensorElementType.Bool, 1);
        }

        if (role != DecoderRole.NoPast)
        {
            Cache(inputs, path, config, "past_key_values", encoder: true);
        }

        var outputs = session.OutputMetadata;
        var logits = Require(outputs, path, "logits", TensorElementType.Float, 3);
        Dimension(logits, path, 2, config.VocabSize, "vocab_size");
        Cache(outputs, path, config, "present", encoder: role != DecoderRole.WithPast);
    }

    private static void Cache(IReadOnlyDictionary<string, NodeMetadata> nodes, string path, ModelConfig config, string prefix, bool encoder)
    {
        foreach (var name in nodes.Keys)
        {
            var tensor = DecoderTensor.Parse(name);
            if ((tensor.Kind is DecoderTensorKind.Past or DecoderTensorKind.Present) && tensor.Layer >= config.DecoderLayers)
            {
                throw new ModelBundleException(path, name,
                    $"exists, but config.json says decoder_layers = {config.DecoderLayers} (layers 0..{config.DecoderLayers - 1}).");
            }
        }

        for (var layer = 0; layer < config.DecoderLayers; layer++)
        {
            foreach (var side in encoder ? new[] { "decoder", "encoder" } : ["decoder"])
            {
                foreach (var part in new[] { "key", "value" })
                {
                    var node = Require(nodes, path, $"{prefix}.{layer}.{side}.{part}", TensorElementType.Float, 4);
                    Dimension(node, path, 1, config.DecoderAttentionHeads, "decoder_attention_heads");
                    Dimension(node, path, 3, config.DecoderHeadSize, config.HeadSizeSource);
                }
            }
        }
    }

    private static Node Require(IReadOnlyDictionary<string, NodeMetadata> nodes, string path, string name, TensorElementType type, int rank)
    {
        if (!nodes.TryGetValue(name, out var node))
        {
            throw new ModelBundleException(path, name, "is missing from the graph.");
        }

        if (node.ElementDataType != type)
        {
            throw new ModelBundleException(path, name, $"has element type {node.ElementDataType}, expected {type}.");
        }

        if (node.Dimensions.Length != rank)
        {
            throw new ModelBundleException(path, name, $"has rank {node.Dimensions.Length}, expected {rank}.");
        }

        return new Node(name, node);
    }

    /// <summary>A fixed dimension must equal the config's value; a symbolic one (−1) is accepted.</summary>
    private static void Dimension(Node node, string path, int axis, int expected, string field)
    {
        var actual = node.Metadata.Dimensions[axis];
        if (actual >= 0 && actual != expected)
        {
            throw new ModelBundleException(path, node.Name,
                $"has dimension {axis} = {actual}, but config.json implies {field} = {expected}.");
        }
    }

    private readonly record struct Node(string Name, NodeMetadata Metadata);
}
