using System.Globalization;

namespace Seq2Seq.Inference.Generation;

/// <summary>
/// Fully resolved generation settings: a model's defaults (from generation_config.json) with a call's
/// <see cref="GenerationOptions"/> applied. Token ids and model limits travel along so that a settings
/// object can be validated on its own.
/// </summary>
public sealed record GenerationSettings
{
    /// <summary>Largest accepted num_beams and num_return_sequences: beyond this, cost grows with no use.</summary>
    public const int MaxBeams = 16;

    /// <summary>Largest accepted no_repeat_ngram_size.</summary>
    public const int MaxNgramSize = 32;

    public required int MaxNewTokens { get; init; }
    public int MinLength { get; init; }
    public int NumBeams { get; init; } = 1;
    public bool DoSample { get; init; }
    public float Temperature { get; init; } = 1f;
    public int TopK { get; init; } = 50;
    public float TopP { get; init; } = 1f;

    /// <summary>Sampling seed; null draws a fresh one per request.</summary>
    public long? Seed { get; init; }

    public float LengthPenalty { get; init; } = 1f;
    public bool EarlyStopping { get; init; }
    public int NoRepeatNgramSize { get; init; }

    /// <summary>
    /// The repeat guard (docs/decoding.md): no n-gram of this size may occur twice in a row's output when tokens are
    /// compared through <see cref="Folding"/>; 0 turns it off. Not a Hugging Face setting.
    /// </summary>
    public int RepeatGuardSize { get; init; }

    public float RepetitionPenalty { get; init; } = 1f;
    public int NumReturnSequences { get; init; } = 1;

    public required int EosTokenId { get; init; }
    public required int DecoderStartTokenId { get; init; }

    /// <summary>
    /// The token every sequence starts with after the decoder start token (forced_bos_token_id: mBART and NLLB
    /// force the target language's code there); null when the first token is free.
    /// </summary>
    public int? ForcedBosTokenId { get; init; }

    /// <summary>
    /// The token a sequence ends with when it reaches <see cref="MaxNewTokens"/> (forced_eos_token_id: BART and mBART
    /// set their &lt;/s&gt;), as Hugging Face's ForcedEOSTokenLogitsProcessor; null leaves the last token free.
    /// </summary>
    public int? ForcedEosTokenId { get; init; }

    /// <summary>Tokens never generated (single-token bad_words_ids; Marian lists pad).</summary>
    public IReadOnlyList<int> BadWordIds { get; init; } = [];

    /// <summary>Model fact: the vocabulary's case/accent groups the repeat guard compares by; null when unknown.</summary>
    public TokenFolding? Folding { get; init; }

    /// <summary>Whether the repeat guard runs: asked for, and the model's folding is known.</summary>
    public bool RepeatGuardActive => RepeatGuardSize > 0 && Folding is not null;

    /// <summary>Model fact: the vocabulary size of the logits.</summary>
    public required int VocabSize { get; init; }

    /// <summary>Model fact: the most tokens the decoder can generate (its position limit).</summary>
    public required int MaxNewTokensLimit { get; init; }

    /// <summary>Applies the non-null members of <paramref name="options"/> and validates the result.</summary>
    /// <exception cref="InvalidGenerationSettingException">A value is out of range; names the parameter.</exception>
    public GenerationSettings With(GenerationOptions? options)
    {
        var resolved = options is null ? this : this with
        {
            MaxNewTokens = options.MaxNewTokens ?? MaxNewTokens,
            MinLength = options.MinLength ?? MinLength,
            NumBeams = options.NumBeams ?? NumBeams,
            DoSample = options.DoSample ?? DoSample,
            Temperature = options.Temperature ?? Temperature,
            TopK = options.TopK ?? TopK,
            TopP = options.TopP ?? TopP,
            Seed = options.Seed ?? Seed,
            LengthPenalty = options.LengthPenalty ?? LengthPenalty,
            EarlyStopping = options.EarlyStopping ?? EarlyStopping,
            NoRepeatNgramSize = options.NoRepeatNgramSize ?? NoRepeatNgramSize,
            RepeatGuardSize = options.RepeatGuardSize ?? RepeatGuardSize,
            RepetitionPenalty = options.RepetitionPenalty ?? RepetitionPenalty,
            NumReturnSequences = options.NumReturnSequences ?? NumReturnSequences,
        };
        resolved.Validate();
        return resolved;
    }

    /// <summary>Checks every value against its allowed range.</summary>
    /// <exception cref="InvalidGenerationSettingException">A value is out of range; names the parameter.</exception>
    public void Validate()
    {
        RequireInt("max_new_tokens", MaxNewTokens, 1, MaxNewTokensLimit);
        // Hugging Face counts the start token in min_length, hence the + 1.
        RequireInt("min_length", MinLength, 0, MaxNewTokensLimit + 1);
        RequireInt("num_beams", NumBeams, 1, Math.Min(MaxBeams, VocabSize / 2));
        if (DoSample && NumBeams > 1)
        {
            throw new InvalidGenerationSettingException("do_sample", "false when num_beams > 1 (beam sampling is not supported)", DoSample);
        }

        RequireFloat("temperature", Temperature, 1e-3f, 100f, "a number in [0.001, 100]");
        // As in Hugging Face, a top_k beyond the vocabulary keeps every token.
        RequireInt("top_k", TopK, 0, int.MaxValue);
        if (!(TopP > 0f && TopP <= 1f))
        {
            throw new InvalidGenerationSettingException("top_p", "a number in (0, 1]", TopP);
        }

        if (Seed is < 0)
        {
            throw new InvalidGenerationSettingException("seed", "a non-negative integer", Seed);
        }

        RequireFloat("length_penalty", LengthPenalty, -10f, 10f, "a number in [-10, 10]");
        RequireInt("no_repeat_ngram_size", NoRepeatNgramSize, 0, MaxNgramSize);
        RequireInt("repeat_guard", RepeatGuardSize, 0, MaxNgramSize);
        RequireFloat("repetition_penalty", RepetitionPenalty, 0.01f, 10f, "a number in [0.01, 10]");
        var maxReturn = DoSample ? MaxBeams : NumBeams;
        var why = DoSample ? "" : NumBeams == 1 ? " (greedy search returns one sequence)" : " (at most num_beams)";
        if (NumReturnSequences < 1 || NumReturnSequences > maxReturn)
        {
            throw new InvalidGenerationSettingException("num_return_sequences",
                string.Create(CultureInfo.InvariantCulture, $"an integer in [1, {maxReturn}]{why}"), NumReturnSequences);
        }

        RequireTokenId("eos_token_id", EosTokenId);
        RequireTokenId("decoder_start_token_id", DecoderStartTokenId);
        foreach (var id in BadWordIds)
        {
            RequireTokenId("bad_words_ids", id);
        }

        if (ForcedBosTokenId is { } forced)
        {
            RequireTokenId("forced_bos_token_id", forced);
        }

        if (ForcedEosTokenId is { } forcedEos)
        {
            RequireTokenId("forced_eos_token_id", forcedEos);
        }
    }

    private void RequireTokenId(string name, int id) => RequireInt(name, id, 0, VocabSize - 1);

    private static void RequireInt(string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            throw new InvalidGenerationSettingException(name,
                string.Create(CultureInfo.InvariantCulture, $"an integer in [{min}, {max}]"), value);
        }
    }

    private static void RequireFloat(string name, float value, float min, float max, string allowed)
    {
        // Written so that NaN fails too.
        if (!(value >= min && value <= max))
        {
            throw new InvalidGenerationSettingException(name, allowed, value);
        }
    }
}
