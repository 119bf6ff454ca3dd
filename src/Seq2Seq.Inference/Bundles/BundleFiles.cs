namespace Seq2Seq.Inference.Bundles;

/// <summary>The files of an Optimum-layout bundle folder, and which decoder layout it ships.</summary>
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

    /// <summary>The merged decoder, or null when the bundle ships the two separate decoder files.</summary>
    public string? MergedDecoder { get; init; }

    public string? Decoder { get; init; }
    public string? DecoderWithPast { get; init; }

    /// <summary>Finds the files; prefers the merged decoder, which holds the weights once.</summary>
    public static BundleFiles Locate(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new ModelBundleException(folder, null, "is not a folder.");
        }

        string In(string name) => Path.Combine(folder, name);
        string Required(string name) => File.Exists(In(name)) ? In(name) : throw new ModelBundleException(In(name), null, "is missing.");

        var merged = In(MergedDecoderFile);
        var files = new BundleFiles
        {
            Folder = folder,
            Config = Required(ConfigFile),
            GenerationConfig = In(GenerationConfigFile),
            Encoder = Required(EncoderFile),
        };
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
}
