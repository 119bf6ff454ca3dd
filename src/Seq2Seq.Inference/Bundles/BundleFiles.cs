namespace Seq2Seq.Inference.Bundles;

/// <summary>
/// The files of a bundle folder, and which decoder layout it ships: Optimum's (merged, or the two separate
/// decoders) or the recurrent one (decoder_model.onnx is the one-step decoder, docs/recurrent-model.md).
/// </summary>
public sealed record BundleFiles
{
    public const string ConfigFile = "config.json";
    public const string GenerationConfigFile = "generation_config.json";
    public const string EncoderFile = "encoder_model.onnx";
    public const string MergedDecoderFile = "decoder_model_merged.onnx";
    public const string DecoderFile = "decoder_model.onnx";
    public const string DecoderWithPastFile = "decoder_with_past_model.onnx";

    /// <summary>The subfolder that holds the graphs in the Hugging Face hub (transformers.js) layout.</summary>
    public const string HubGraphFolder = "onnx";

    public required string Folder { get; init; }
    public required string Config { get; init; }
    public required string GenerationConfig { get; init; }
    public required string Encoder { get; init; }

    /// <summary>The merged decoder, or null when the bundle ships separate decoder files.</summary>
    public string? MergedDecoder { get; init; }

    public string? Decoder { get; init; }
    public string? DecoderWithPast { get; init; }

    /// <summary>Which graphs these are.</summary>
    public ModelVariant Variant { get; init; }

    /// <summary>The folder's config.json, which says the layout of the rest.</summary>
    public static string LocateConfig(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new ModelBundleException(folder, null, "is not a folder.");
        }

        var path = Path.Combine(folder, ConfigFile);
        return File.Exists(path) ? path : throw new ModelBundleException(path, null, "is missing.");
    }

    /// <summary>
    /// Finds the files; for a Transformer, prefers the merged decoder, which holds the weights once; for a
    /// recurrent bundle, the one-step decoder_model.onnx. The graphs are read from the folder itself (Optimum
    /// layout) or, when it has no encoder graph of the variant, from its onnx/ subfolder (hub layout); the JSON
    /// and tokenizer files are always in the folder itself.
    /// </summary>
    public static BundleFiles Locate(string folder, bool recurrent = false, ModelVariant variant = ModelVariant.Fp32)
    {
        var config = LocateConfig(folder);
        var suffix = variant == ModelVariant.Quantized ? "_quantized.onnx" : ".onnx";
        string Graph(string file) => Path.ChangeExtension(file, null) + suffix;
        var hub = Path.Combine(folder, HubGraphFolder);
        var graphs = !File.Exists(Path.Combine(folder, Graph(EncoderFile))) && File.Exists(Path.Combine(hub, Graph(EncoderFile)))
            ? hub
            : folder;

        string Required(string path) => File.Exists(path) ? path : throw new ModelBundleException(path, null,
            variant == ModelVariant.Quantized ? "is missing (Variant = quantized; models/training/quantize.py writes it)." : "is missing.");
        string GraphIn(string file) => Path.Combine(graphs, Graph(file));

        var merged = GraphIn(MergedDecoderFile);
        var files = new BundleFiles
        {
            Folder = folder,
            Variant = variant,
            Config = config,
            GenerationConfig = Path.Combine(folder, GenerationConfigFile),
            Encoder = Required(GraphIn(EncoderFile)),
        };
        if (recurrent)
        {
            return files with { Decoder = Required(GraphIn(DecoderFile)) };
        }

        if (File.Exists(merged))
        {
            return files with { MergedDecoder = merged };
        }

        if (!File.Exists(GraphIn(DecoderFile)) && !File.Exists(GraphIn(DecoderWithPastFile)))
        {
            throw new ModelBundleException(merged, null, $"is missing, and so are {Graph(DecoderFile)} and {Graph(DecoderWithPastFile)}.");
        }

        return files with { Decoder = Required(GraphIn(DecoderFile)), DecoderWithPast = Required(GraphIn(DecoderWithPastFile)) };
    }
}
