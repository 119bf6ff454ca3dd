using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Bundles;

/// <summary>
/// Turns generation_config.json (or, for older exports without it, the same fields in config.json) into
/// the model's default <see cref="GenerationSettings"/>, with Hugging Face's defaults where a field is absent; and a
/// T5 task's entry of task_specific_params, whose fields are the same, into that task's defaults.
/// </summary>
internal static class GenerationDefaults
{
    public static GenerationSettings Read(string? generationConfigPath, string configPath, ModelConfig config)
    {
        var json = JsonFile.Read(generationConfigPath is not null && File.Exists(generationConfigPath) ? generationConfigPath : configPath);

        // Hugging Face's defaults: the record's own initial values, max_length 20 counting the decoder start.
        return Over(json, new GenerationSettings
        {
            MaxNewTokens = Math.Min(20, config.MaxPositionEmbeddings),
            EosTokenId = config.EosTokenId,
            DecoderStartTokenId = config.DecoderStartTokenId,
            VocabSize = config.VocabSize,
            MaxNewTokensLimit = config.MaxPositionEmbeddings,
        });
    }

    /// <summary>The fields <paramref name="json"/> holds applied over <paramref name="fallback"/>, validated.</summary>
    /// <exception cref="ModelBundleException">A field is of the wrong type or out of range.</exception>
    public static GenerationSettings Over(JsonFile json, GenerationSettings fallback)
    {
        // max_length counts the decoder start token; positions cap what the decoder can generate at all.
        var limit = fallback.MaxNewTokensLimit;
        var maxNewTokens = json.OptionalInt("max_new_tokens")
            ?? (json.OptionalInt("max_length") is { } maxLength ? maxLength - 1 : fallback.MaxNewTokens);
        var badWords = json.OptionalIdLists("bad_words_ids");
        if (badWords is not null && badWords.Any(w => w.Length != 1))
        {
            throw new ModelBundleException(json.Path, "bad_words_ids", "lists a multi-token word; only single tokens are supported.");
        }

        var settings = fallback with
        {
            MaxNewTokens = Math.Clamp(maxNewTokens, 1, limit),
            MinLength = json.OptionalInt("min_length") ?? fallback.MinLength,
            NumBeams = json.OptionalInt("num_beams") ?? fallback.NumBeams,
            DoSample = json.OptionalBool("do_sample") ?? fallback.DoSample,
            Temperature = json.OptionalFloat("temperature") ?? fallback.Temperature,
            TopK = json.OptionalInt("top_k") ?? fallback.TopK,
            TopP = json.OptionalFloat("top_p") ?? fallback.TopP,
            LengthPenalty = json.OptionalFloat("length_penalty") ?? fallback.LengthPenalty,
            EarlyStopping = json.OptionalBool("early_stopping") ?? fallback.EarlyStopping,
            NoRepeatNgramSize = json.OptionalInt("no_repeat_ngram_size") ?? fallback.NoRepeatNgramSize,
            RepetitionPenalty = json.OptionalFloat("repetition_penalty") ?? fallback.RepetitionPenalty,
            NumReturnSequences = json.OptionalInt("num_return_sequences") ?? fallback.NumReturnSequences,
            EosTokenId = json.OptionalInt("eos_token_id") ?? fallback.EosTokenId,
            DecoderStartTokenId = json.OptionalInt("decoder_start_token_id") ?? fallback.DecoderStartTokenId,
            BadWordIds = badWords is null ? fallback.BadWordIds : [.. badWords.Select(w => w[0])],
            ForcedBosTokenId = json.OptionalInt("forced_bos_token_id") ?? fallback.ForcedBosTokenId,
            ForcedEosTokenId = json.OptionalInt("forced_eos_token_id") ?? fallback.ForcedEosTokenId,
        };

        try
        {
            settings.Validate();
        }
        catch (InvalidGenerationSettingException e)
        {
            throw new ModelBundleException(json.Path, e.Parameter, e.Message, e);
        }

        return settings;
    }
}
