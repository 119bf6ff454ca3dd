using System.Text.Json.Serialization;
using Seq2Seq.Inference.Generation;
using EngineOptions = Seq2Seq.Inference.Generation.GenerationOptions;

namespace Seq2SeqService.Application;

/// <summary>Generation settings, named as in Hugging Face's <c>generate()</c>. Unset fields take the model's defaults.</summary>
/// <remarks>
/// The service's one list of these options: the request parser reads the JSON names declared here, GET /models
/// reports a model's defaults in this shape and Swagger documents each option from these comments. The allowed
/// ranges are checked once, by the engine's <see cref="GenerationSettings.Validate"/> and the service limits.
/// </remarks>
public sealed class GenerationOptions
{
    /// <summary>The longest <c>timeout_ms</c>: a day, as for the service's own time limit.</summary>
    public const int MaxTimeoutMs = 86_400_000;

    /// <summary>Most tokens to generate per text (1 to the configured maximum).</summary>
    /// <example>64</example>
    [JsonPropertyName("max_new_tokens")]
    public int? MaxNewTokens { get; set; }

    /// <summary>Beam width; 1 is greedy search (1 to the configured maximum).</summary>
    /// <example>4</example>
    [JsonPropertyName("num_beams")]
    public int? NumBeams { get; set; }

    /// <summary>Sample the next token instead of taking the most likely one.</summary>
    /// <example>false</example>
    [JsonPropertyName("do_sample")]
    public bool? DoSample { get; set; }

    /// <summary>Softmax temperature for sampling (greater than 0, at most 100).</summary>
    /// <example>1.0</example>
    [JsonPropertyName("temperature")]
    public double? Temperature { get; set; }

    /// <summary>Sample only among the k most likely tokens; 0 disables the filter.</summary>
    /// <example>50</example>
    [JsonPropertyName("top_k")]
    public int? TopK { get; set; }

    /// <summary>Sample only within the smallest set of tokens whose probability reaches p (0 &lt; p ≤ 1).</summary>
    /// <example>0.9</example>
    [JsonPropertyName("top_p")]
    public double? TopP { get; set; }

    /// <summary>Random seed; the same seed and input give the same sampled output.</summary>
    /// <example>42</example>
    [JsonPropertyName("seed")]
    public long? Seed { get; set; }

    /// <summary>Beam search: exponent of the length normalisation of scores.</summary>
    /// <example>1.0</example>
    [JsonPropertyName("length_penalty")]
    public double? LengthPenalty { get; set; }

    /// <summary>Forbid repeating any n-gram of this size; 0 disables the rule.</summary>
    /// <example>0</example>
    [JsonPropertyName("no_repeat_ngram_size")]
    public int? NoRepeatNgramSize { get; set; }

    /// <summary>
    /// Repeat guard: forbid repeating any n-gram of this size with tokens compared without case, accents or apostrophe
    /// shape, which ends loops such as "S'il vous plaît, s'il vous plaît."; 0 turns it off. The default is the
    /// bundle's <c>RepeatGuard</c> setting (docs/decoding.md#repeat-guard).
    /// </summary>
    /// <example>3</example>
    [JsonPropertyName("repeat_guard")]
    public int? RepeatGuardSize { get; set; }

    /// <summary>Penalty (greater than 0; 1 is none) on tokens already generated.</summary>
    /// <example>1.0</example>
    [JsonPropertyName("repetition_penalty")]
    public double? RepetitionPenalty { get; set; }

    /// <summary>Candidates returned per text (at most <c>num_beams</c> unless sampling); extra ones come back as <c>alternatives</c>.</summary>
    /// <example>1</example>
    [JsonPropertyName("num_return_sequences")]
    public int? NumReturnSequences { get; set; }

    /// <summary>
    /// Not a generation setting: adds each translation's <c>attention</c> (source and target tokens, and every target
    /// token's attention over the source tokens). Only models whose decoder outputs attention (GET /models:
    /// <c>attention</c>) accept it.
    /// </summary>
    /// <example>false</example>
    [JsonPropertyName("return_attention"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? ReturnAttention { get; set; }

    /// <summary>
    /// Not a generation setting: the request's deadline in milliseconds (1 to 86,400,000), counted from its acceptance,
    /// queue time included. A request still running when it passes is stopped and answered with 422 and no partial
    /// result. The service's own limit (<c>Service:Batching:RequestTimeoutSeconds</c>) applies too; the shorter wins.
    /// </summary>
    /// <example>30000</example>
    [JsonPropertyName("timeout_ms"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TimeoutMs { get; set; }

    /// <summary>
    /// Not a generation setting: how each text is cut into sentences before the encoder, with DeepL's values —
    /// <c>"1"</c> at sentence ends and line breaks, <c>"nonewlines"</c> at sentence ends only, <c>"0"</c> not at all
    /// (the model's own default when omitted; see GET /models). Line breaks, indentation and list markers come back
    /// where they were whichever is used.
    /// </summary>
    /// <example>1</example>
    [JsonPropertyName("split_sentences"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SplitSentences { get; set; }

    /// <summary>
    /// Not a generation setting: adds each translation's <c>scores</c>, for the text and for each of its sentences: the
    /// mean log-probability of the generated tokens and the search's sequence score (docs/api.md#scores).
    /// </summary>
    /// <example>false</example>
    [JsonPropertyName("return_scores"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? ReturnScores { get; set; }

    /// <summary>The model's defaults with these options applied, validated against the engine's ranges.</summary>
    /// <exception cref="InvalidGenerationSettingException">A value is out of range; names the option.</exception>
    public GenerationSettings ApplyTo(GenerationSettings defaults) => defaults.With(new EngineOptions
    {
        MaxNewTokens = MaxNewTokens,
        // Sampling is single-beam here; asking for it alone should not trip over a beam-search default.
        NumBeams = NumBeams ?? (DoSample == true ? 1 : null),
        DoSample = DoSample,
        Temperature = (float?)Temperature,
        TopK = TopK,
        TopP = (float?)TopP,
        Seed = Seed,
        LengthPenalty = (float?)LengthPenalty,
        NoRepeatNgramSize = NoRepeatNgramSize,
        RepeatGuardSize = RepeatGuardSize,
        RepetitionPenalty = (float?)RepetitionPenalty,
        NumReturnSequences = NumReturnSequences,
    });

    /// <summary>The options that reproduce <paramref name="settings"/> (as <c>GET /models</c> shows a model's defaults).</summary>
    public static GenerationOptions From(GenerationSettings settings) => new()
    {
        MaxNewTokens = settings.MaxNewTokens,
        NumBeams = settings.NumBeams,
        DoSample = settings.DoSample,
        Temperature = settings.Temperature,
        TopK = settings.TopK,
        TopP = settings.TopP,
        Seed = settings.Seed,
        LengthPenalty = settings.LengthPenalty,
        NoRepeatNgramSize = settings.NoRepeatNgramSize,
        RepeatGuardSize = settings.RepeatGuardSize,
        RepetitionPenalty = settings.RepetitionPenalty,
        NumReturnSequences = settings.NumReturnSequences,
    };
}
