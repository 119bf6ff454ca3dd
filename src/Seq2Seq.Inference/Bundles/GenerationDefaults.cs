using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Bundles;

/// <summary>
/// Turns generation_config.json (or, for older exports without it, the same fields in config.json) into
/// the model's default <see cref="GenerationSettings"/>, with Hugging Face's defaults where a field is absent.
/// </summary>
internal static class GenerationDefaults
{
    public static GenerationSettings Read(string? generationConfigPath, string configPath, ModelConfig config)
    {
        var json = JsonFile.Read(generationConfigPath is not null && File.Exists(generationConfigPath) ? generationConfigPath : configPath);

        // max_length counts the decoder start token; positions cap what the decoder can generate at all.
        var limit = config.MaxPositionEmbeddings;
        var maxNewTokens = json.OptionalInt("max_new_tokens")
            ?? (json.OptionalInt("max_length") is { } maxLength ? maxLength - 1 : 20);
        var badWords = json.OptionalIdLists("bad_words_ids") ?? [];
        if (badWords.Any(w => w.Length != 1))
        {
            throw new ModelBundleException(json.Path, "bad_words_ids", "lists a multi-token word; only single tokens are supported.");
        }

        var settings = new GenerationSettings
        {
            MaxNewTokens = Math.Clamp(maxNewTokens, 1, limit),
            MinLength = json.OptionalInt("min_length") ?? 0,
            NumBeams = json.OptionalInt("num_beams") ?? 1,
            DoSample = json.OptionalBool("do_sample") ?? false,
            Temperature = json.OptionalFloat("temperature") ?? 1f,
            TopK = json.OptionalInt("top_k") ?? 50,
            TopP = json.OptionalFloat("top_p") ?? 1f,
            LengthPenalty = json.OptionalFloat("length_penalty") ?? 1f,
            EarlyStopping = json.OptionalBool("early_stopping") ?? false,
            NoRepeatNgramSize = json.OptionalInt("no_repeat_ngram_size") ?? 0,
            RepetitionPenalty = json.OptionalFloat("repetition_penalty") ?? 1f,
            NumReturnSequences = json.OptionalInt("num_return_sequences") ?? 1,
            EosTokenId = json.OptionalInt("eos_token_id") ?? config.EosTokenId,
            DecoderStartTokenId = json.OptionalInt("decoder_start_token_id") ?? config.DecoderStartTokenId,
            BadWordIds = [.. badWords.Select(w => w[0])],
            ForcedBosTokenId = json.OptionalInt("forced_bos_token_id"),
            ForcedEosTokenId = json.OptionalInt("forced_eos_token_id"),
            VocabSize = config.VocabSize,
            MaxNewTokensLimit = limit,
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
