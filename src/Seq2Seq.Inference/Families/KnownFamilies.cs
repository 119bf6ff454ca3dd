using Seq2Seq.Inference.Bundles;

namespace Seq2Seq.Inference.Families;

/// <summary>The families the engine serves: adding one is one registration here (docs/training.md#model-families).</summary>
public static class KnownFamilies
{
    /// <summary>MarianMT / opus-mt in Optimum's layout: the default bundle.</summary>
    public static ModelFamily Marian { get; } = new()
    {
        Name = "marian",
        Architecture = "transformer",
        ModelTypes = ["marian"],
        Architectures = ["MarianMTModel"],
        // Marian's decoder may have its own, smaller vocabulary.
        Schema = BartStyle(new("decoder_vocab_size", "vocab_size")),
        Runner = FamilyRunner.CachedDecoder,
        Tokenizer = FamilyTokenizer.MarianPair,
    };

    /// <summary>The GRU encoder–decoder with attention (docs/recurrent-model.md); it shares Marian's tokenizer files.</summary>
    public static ModelFamily GruAttention { get; } = new()
    {
        Name = "gru-attention",
        Architecture = "gru-attention",
        ModelTypes = ["gru-attention"],
        Architectures = ["GruAttentionModel"],
        Schema = new RecurrentSchema(),
        Runner = FamilyRunner.Recurrent,
        Tokenizer = FamilyTokenizer.MarianPair,
    };

    /// <summary>
    /// M2M100 and NLLB-200 (one architecture): pre-LayerNorm Transformer, positions offset past the padding id, a
    /// tokenizer.json whose template writes the source language's token; the target's token is forced first.
    /// </summary>
    public static ModelFamily M2M100 { get; } = new()
    {
        Name = "m2m100",
        Architecture = "transformer",
        ModelTypes = ["m2m_100"],
        Architectures = ["M2M100ForConditionalGeneration"],
        Schema = BartStyle(new("vocab_size")),
        Runner = FamilyRunner.CachedDecoder,
        Tokenizer = FamilyTokenizer.HuggingFaceJson,
        LanguageTokens = [Families.LanguageTokens.Nllb, Families.LanguageTokens.M2M100],
    };

    /// <summary>Every registered family: the registry bundles are loaded through.</summary>
    public static FamilyRegistry Registry { get; } = new([Marian, GruAttention, M2M100]);

    /// <summary>The keys of the families that follow BART's config (Marian, M2M100): head size d_model / heads.</summary>
    private static TransformerSchema BartStyle(ConfigKey vocabSize) => new()
    {
        DModel = new("d_model"),
        EncoderLayers = new("encoder_layers"),
        DecoderLayers = new("decoder_layers"),
        EncoderAttentionHeads = new("encoder_attention_heads"),
        DecoderAttentionHeads = new("decoder_attention_heads"),
        VocabSize = vocabSize,
        MaxPositions = new("max_position_embeddings"),
    };
}
