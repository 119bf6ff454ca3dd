using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;
using Seq2Seq.Inference.Runtime;

namespace Seq2Seq.Inference.Families;

/// <summary>What runs a family's graphs: the bundle layout it reads and the runner it opens over them.</summary>
public sealed record FamilyRunner
{
    /// <summary>
    /// Optimum's encoder and decoder with a KV cache (the merged decoder, or the two decoders); its float graphs
    /// can check the guesses of the bundle's int8 graphs (speculative decoding).
    /// </summary>
    public static FamilyRunner CachedDecoder { get; } = new() { RecurrentLayout = false, Open = OnnxModelRunner.Open, ChecksDrafts = true };

    /// <summary>The encoder and the one-step decoder of the recurrent state contract (docs/recurrent-model.md).</summary>
    public static FamilyRunner Recurrent { get; } = new() { RecurrentLayout = true, Open = RecurrentModelRunner.Open, ChecksDrafts = false };

    /// <summary>Whether the bundle ships the recurrent layout (decoder_model.onnx is the one-step decoder).</summary>
    public required bool RecurrentLayout { get; init; }

    /// <summary>Opens the sessions and checks the graphs against config.json.</summary>
    public required Func<BundleFiles, ModelConfig, RunnerOptions?, IModelRunner> Open { get; init; }

    /// <summary>Whether the float graphs can check the int8 graphs' guesses in one call.</summary>
    public required bool ChecksDrafts { get; init; }

    /// <summary>The bundle's graphs of <paramref name="variant"/> in this layout.</summary>
    /// <exception cref="ModelBundleException">A graph is missing; names it.</exception>
    public BundleFiles Locate(string folder, ModelVariant variant) => BundleFiles.Locate(folder, RecurrentLayout, variant);
}
