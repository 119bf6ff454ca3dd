namespace Seq2Seq.Inference.Bundles;

/// <summary>
/// The fields of a bundle's config.json that the engine relies on. A Transformer (Marian) bundle states its
/// shape; a recurrent bundle (<see cref="RecurrentModelType"/>) leaves the shape to its graphs, so its
/// Transformer fields are 0.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>model_type of the GRU encoder–decoder with attention (docs/recurrent-model.md).</summary>
    public const string RecurrentModelType = "gru-attention";

    public required string ModelType { get; init; }

    /// <summary>The model family: "transformer", or "gru-attention" for the recurrent model.</summary>
    public string Architecture => IsRecurrent ? RecurrentModelType : "transformer";

    /// <summary>Whether the bundle follows the recurrent state contract rather than the Optimum one.</summary>
    public bool IsRecurrent => ModelType == RecurrentModelType;

    public int DModel { get; init; }
    public int EncoderLayers { get; init; }
    public int DecoderLayers { get; init; }
    public int EncoderAttentionHeads { get; init; }
    public int DecoderAttentionHeads { get; init; }

    /// <summary>Size of the decoder's output vocabulary (Marian's decoder_vocab_size when present).</summary>
    public required int VocabSize { get; init; }

    /// <summary>
    /// The most source tokens (and output positions) the model takes: max_position_embeddings, or a recurrent
    /// bundle's max_source_length (it has no position table, only this declared limit).
    /// </summary>
    public required int MaxPositionEmbeddings { get; init; }
    public required int PadTokenId { get; init; }
    public required int EosTokenId { get; init; }
    public required int DecoderStartTokenId { get; init; }

    public int DecoderHeadSize => DModel / DecoderAttentionHeads;

    internal static ModelConfig Read(string path)
    {
        var json = JsonFile.Read(path);
        var pad = json.Int("pad_token_id");
        var modelType = json.OptionalString("model_type") ?? throw new ModelBundleException(path, "model_type", "is missing.");
        if (modelType == RecurrentModelType)
        {
            return CheckIds(path, new ModelConfig
            {
                ModelType = modelType,
                VocabSize = Positive(json, "vocab_size"),
                MaxPositionEmbeddings = Positive(json, "max_source_length"),
                PadTokenId = pad,
                EosTokenId = json.Int("eos_token_id"),
                DecoderStartTokenId = json.Int("decoder_start_token_id", pad),
            });
        }

        var config = new ModelConfig
        {
            ModelType = modelType,
            DModel = Positive(json, "d_model"),
            EncoderLayers = Positive(json, "encoder_layers"),
            DecoderLayers = Positive(json, "decoder_layers"),
            EncoderAttentionHeads = Positive(json, "encoder_attention_heads"),
            DecoderAttentionHeads = Positive(json, "decoder_attention_heads"),
            VocabSize = json.OptionalInt("decoder_vocab_size") ?? Positive(json, "vocab_size"),
            MaxPositionEmbeddings = Positive(json, "max_position_embeddings"),
            PadTokenId = pad,
            EosTokenId = json.Int("eos_token_id"),
            DecoderStartTokenId = json.Int("decoder_start_token_id", pad),
        };

        if (config.DModel % config.DecoderAttentionHeads != 0)
        {
            throw new ModelBundleException(path, "decoder_attention_heads", $"({config.DecoderAttentionHeads}) does not divide d_model ({config.DModel}).");
        }

        return CheckIds(path, config);
    }

    private static ModelConfig CheckIds(string path, ModelConfig config)
    {
        foreach (var (name, id) in new[] { ("pad_token_id", config.PadTokenId), ("eos_token_id", config.EosTokenId), ("decoder_start_token_id", config.DecoderStartTokenId) })
        {
            if (id < 0 || id >= config.VocabSize)
            {
                throw new ModelBundleException(path, name, $"({id}) is outside the vocabulary of {config.VocabSize}.");
            }
        }

        return config;
    }

    private static int Positive(JsonFile json, string name)
    {
        var value = json.Int(name);
        return value > 0 ? value : throw new ModelBundleException(json.Path, name, $"must be positive, not {value}.");
    }
}
