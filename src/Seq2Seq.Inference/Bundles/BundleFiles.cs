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

    public required string Folder { get; init; }
    public required string Config { get; init; }
    public required string GenerationConfig { get; init; }
    public required string Encoder { get; init; }

    /// <summary>The merged decoder, or null when the bundle ships separate decoder files.</summary>
    public string? MergedDecoder { get; init; }

    public string? Decoder { get; init; }
    public string? DecoderWithPast { get; init; }

    /// <summary>The folder's config.json, which says the layout of the rest.</summary>
    public static string LocateConfig(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new ModelBundleException(folder, null, "is not a folder.");
        }

        return Required(folder, ConfigFile);
    }

    /// <summary>
    /// Finds the files; for a Transformer, prefers the merged decoder, which holds the weights once; for a
    /// recurrent bundle, the one-step decoder_model.onnx.
    /// </summary>
    public static BundleFiles Locate(string folder, bool recurrent = false)
    {
        string In(string name) => Path.Combine(folder, name);
        string Required(string name) => BundleFiles.Required(folder, name);

        var merged = In(MergedDecoderFile);
        var files = new BundleFiles
        {
            Folder = folder,
            Config = LocateConfig(folder),
            GenerationConfig = In(GenerationConfigFile),
            Encoder = Required(EncoderFile),
        };
        if (recurrent)
        {
            return files with { Decoder = Required(DecoderFile) };
        }

        if (File.Exists(merged))
        {
            return files with { MergedDecoder = merged };
        }

        if (!File.Exists(In(DecoderFile)) && !File.Exists(In(DecoderWithPastFile)))
        {
            throw new ModelBundleException(merged, null, $"is missing, and so are {DecoderFile} and {DecoderWithPastFile}.");
        }

        return files with { Decoder = Required(DecoderFile), DecoderWithPast = Required(DecoderWithPastFile) };
    }

    private static string Required(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : throw new ModelBundleException(path, null, "is missing.");
    }
}
