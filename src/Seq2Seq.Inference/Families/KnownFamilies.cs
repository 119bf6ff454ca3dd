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
        Schema = new TransformerSchema
        {
            DModel = new("d_model"),
            EncoderLayers = new("encoder_layers"),
            DecoderLayers = new("decoder_layers"),
            EncoderAttentionHeads = new("encoder_attention_heads"),
            DecoderAttentionHeads = new("decoder_attention_heads"),
            // Marian's decoder may have its own, smaller vocabulary.
            VocabSize = new("decoder_vocab_size", "vocab_size"),
            MaxPositions = new("max_position_embeddings"),
        },
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

    /// <summary>Every registered family: the registry bundles are loaded through.</summary>
    public static FamilyRegistry Registry { get; } = new([Marian, GruAttention]);
}
