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
    public static ModelFamily M2M100 { get; } = Multilingual("m2m100", "m2m_100", "M2M100ForConditionalGeneration",
        Families.LanguageTokens.Nllb, Families.LanguageTokens.M2M100);

    /// <summary>
    /// mBART-50 and the first mBART (cc25): M2M100's pre-LayerNorm layout with learned positions and a LayerNorm over
    /// the embeddings, GELU, final_logits_bias; languages as en_XX, the source's written by the template. mBART-50
    /// forces the target's token first; cc25, whose template writes the language after the text, starts the decoder
    /// from it (<see cref="BundleLanguages.TargetStartsDecoder"/>).
    /// </summary>
    public static ModelFamily MBart { get; } = Multilingual("mbart", "mbart", "MBartForConditionalGeneration", Families.LanguageTokens.MBart);

    /// <summary>
    /// T5, mT5 and Flan-T5: relative position biases inside the graphs (so no position table, and no length limit
    /// in config.json but the 512 tokens T5 was trained at), heads of d_kv each rather than d_model / heads, decoder
    /// start = pad = 0 and eos = 1 from config.json, one tokenizer.json (sources written `X &lt;/s&gt;`), and tasks
    /// chosen by the prefixes of task_specific_params.
    /// </summary>
    public static ModelFamily T5 { get; } = new()
    {
        Name = "t5",
        Architecture = "transformer",
        ModelTypes = ["t5", "mt5"],
        Architectures = ["T5ForConditionalGeneration", "MT5ForConditionalGeneration"],
        Schema = new TransformerSchema
        {
            DModel = new("d_model"),
            EncoderLayers = new("num_layers"),
            DecoderLayers = new("num_decoder_layers", "num_layers"),
            EncoderAttentionHeads = new("num_heads"),
            DecoderAttentionHeads = new("num_heads"),
            HeadSize = new("d_kv"),
            VocabSize = new("vocab_size"),
            MaxPositions = new("n_positions"),
            DefaultMaxPositions = 512,
        },
        Runner = FamilyRunner.CachedDecoder,
        Tokenizer = FamilyTokenizer.HuggingFaceJson,
        TaskPrefixes = true,
    };

    /// <summary>
    /// BART: post-LayerNorm Transformer with learned positions and a LayerNorm over the embeddings, GELU,
    /// byte-level BPE; the decoder starts from &lt;/s&gt; and generation_config.json forces &lt;s&gt; first. One pair,
    /// tokenizer_config.json's languages when it names them (a fine-tuned summariser or paraphraser has none).
    /// </summary>
    public static ModelFamily Bart { get; } = new()
    {
        Name = "bart",
        Architecture = "transformer",
        ModelTypes = ["bart"],
        Architectures = ["BartForConditionalGeneration"],
        Schema = BartStyle(new("vocab_size")),
        Runner = FamilyRunner.CachedDecoder,
        Tokenizer = FamilyTokenizer.ByteLevelBpe,
    };

    /// <summary>Every registered family: the registry bundles are loaded through.</summary>
    public static FamilyRegistry Registry { get; } = new([Marian, GruAttention, M2M100, MBart, T5, Bart]);

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

    /// <summary>A Transformer of BART's config keys in Optimum's layout whose tokenizer.json spells its languages.</summary>
    private static ModelFamily Multilingual(string name, string modelType, string architecture, params LanguageTokens[] languages) => new()
    {
        Name = name,
        Architecture = "transformer",
        ModelTypes = [modelType],
        Architectures = [architecture],
        Schema = BartStyle(new("vocab_size")),
        Runner = FamilyRunner.CachedDecoder,
        Tokenizer = FamilyTokenizer.HuggingFaceJson,
        LanguageTokens = languages,
    };
}
