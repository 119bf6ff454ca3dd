namespace Seq2Seq.Inference.Bundles;

/// <summary>Which graphs a bundle serves when its configuration leaves the choice to the bundle.</summary>
public static class VariantChoice
{
    /// <summary>Optimum's description of a bundle's ONNX Runtime optimization and quantization.</summary>
    public const string OrtConfigFile = "ort_config.json";

    /// <summary>
    /// The int8 graphs when the bundle's <c>ort_config.json</c> says they were quantized with static activation
    /// scales (<c>quantization.is_static</c>), else the float graphs. With static scales a row's result does not
    /// depend on what it is batched with, so the int8 graphs keep batched output equal to unbatched output
    /// (docs/quantization.md); dynamic int8 takes one scale per batch tensor and is served only when asked for.
    /// </summary>
    public static ModelVariant Preferred(string folder)
    {
        var path = Path.Combine(folder, OrtConfigFile);
        return File.Exists(path) && JsonFile.Read(path).OptionalObject("quantization")?.OptionalBool("is_static") == true
            ? ModelVariant.Quantized
            : ModelVariant.Fp32;
    }
}
