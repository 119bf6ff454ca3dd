namespace Seq2Seq.Inference.Bundles;

/// <summary>
/// A Transformer's shape under the keys its family uses: Marian and BART say d_model and
/// decoder_attention_heads and leave the head size to d_model / heads; T5 says num_heads and states the head
/// size itself as d_kv, which need not be d_model / heads.
/// </summary>
public sealed record TransformerSchema : ConfigSchema
{
    public required ConfigKey DModel { get; init; }
    public required ConfigKey EncoderLayers { get; init; }
    public required ConfigKey DecoderLayers { get; init; }
    public required ConfigKey EncoderAttentionHeads { get; init; }
    public required ConfigKey DecoderAttentionHeads { get; init; }

    /// <summary>The key of the attention head size; null where the family derives it as d_model / heads.</summary>
    public ConfigKey? HeadSize { get; init; }

    /// <summary>The decoder's output vocabulary.</summary>
    public required ConfigKey VocabSize { get; init; }

    /// <summary>The most source tokens (and output positions).</summary>
    public required ConfigKey MaxPositions { get; init; }

    /// <summary>
    /// The most source tokens where config.json states no <see cref="MaxPositions"/>; null where it must. A family
    /// of relative positions has no table to outgrow, only the length it was trained at.
    /// </summary>
    public int? DefaultMaxPositions { get; init; }

    internal override ModelConfig Read(JsonFile json, ModelConfig common)
    {
        var dModel = DModel.Positive(json);
        var heads = DecoderAttentionHeads.Positive(json);
        if (HeadSize is null && dModel % heads != 0)
        {
            throw new ModelBundleException(json.Path, DecoderAttentionHeads.Names[0], $"({heads}) does not divide {DModel} ({dModel}).");
        }

        return common with
        {
            DModel = dModel,
            EncoderLayers = EncoderLayers.Positive(json),
            DecoderLayers = DecoderLayers.Positive(json),
            EncoderAttentionHeads = EncoderAttentionHeads.Positive(json),
            DecoderAttentionHeads = heads,
            DecoderHeadSize = HeadSize?.Positive(json) ?? dModel / heads,
            HeadSizeSource = HeadSize?.ToString() ?? $"{DModel} / {DecoderAttentionHeads}",
            VocabSize = VocabSize.Positive(json),
            MaxPositionEmbeddings = MaxPositions.Positive(json, DefaultMaxPositions),
        };
    }
}
