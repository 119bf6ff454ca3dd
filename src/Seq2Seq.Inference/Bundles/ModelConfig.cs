namespace Seq2Seq.Inference.Bundles;

/// <summary>
/// The fields of a bundle's config.json that the engine relies on. The token ids are read alike for every
/// family; the shape is read by the family's <see cref="ConfigSchema"/>. A recurrent bundle leaves the shape to
/// its graphs, so its Transformer fields are 0.
/// </summary>
public sealed record ModelConfig
{
    public required string ModelType { get; init; }

    public int DModel { get; init; }
    public int EncoderLayers { get; init; }
    public int DecoderLayers { get; init; }
    public int EncoderAttentionHeads { get; init; }
    public int DecoderAttentionHeads { get; init; }

    /// <summary>Size of one attention head: the last dimension of every cache tensor.</summary>
    public int DecoderHeadSize { get; init; }

    /// <summary>Where <see cref="DecoderHeadSize"/> comes from, for messages: its key, or how the family derives it.</summary>
    public string HeadSizeSource { get; init; } = "";

    /// <summary>
    /// Bytes one decoder row's cache holds per position: a key and a value of every decoder layer, in float32. The
    /// self-attention past has one position per generated token, the cross-attention cache one per source token.
    /// 0 for a recurrent bundle, whose state does not grow with the text.
    /// </summary>
    public long CacheBytesPerPosition => 2L * DecoderLayers * DecoderAttentionHeads * DecoderHeadSize * sizeof(float);

    /// <summary>Size of the decoder's output vocabulary.</summary>
    public required int VocabSize { get; init; }

    /// <summary>
    /// The most source tokens (and output positions) the model takes: max_position_embeddings, or a recurrent
    /// bundle's max_source_length (it has no position table, only this declared limit).
    /// </summary>
    public required int MaxPositionEmbeddings { get; init; }
    public required int PadTokenId { get; init; }
    public required int EosTokenId { get; init; }

    /// <summary>The decoder's first input: decoder_start_token_id, else pad, which is what Marian's decoder starts from.</summary>
    public required int DecoderStartTokenId { get; init; }

    /// <summary>Reads <paramref name="json"/>, the config.json of a bundle of <paramref name="modelType"/>, with its family's schema.</summary>
    /// <exception cref="ModelBundleException">A field is missing or out of range; names it.</exception>
    internal static ModelConfig Read(JsonFile json, string modelType, ConfigSchema schema)
    {
        var pad = json.Int("pad_token_id");
        var common = new ModelConfig
        {
            ModelType = modelType,
            VocabSize = 0,
            MaxPositionEmbeddings = 0,
            PadTokenId = pad,
            EosTokenId = json.Int("eos_token_id"),
            DecoderStartTokenId = json.Int("decoder_start_token_id", pad),
        };
        var config = schema.Read(json, common);
        foreach (var (name, id) in new[] { ("pad_token_id", config.PadTokenId), ("eos_token_id", config.EosTokenId), ("decoder_start_token_id", config.DecoderStartTokenId) })
        {
            if (id < 0 || id >= config.VocabSize)
            {
                throw new ModelBundleException(json.Path, name, $"({id}) is outside the vocabulary of {config.VocabSize}.");
            }
        }

        return config;
    }
}
