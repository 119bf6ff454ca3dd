using System.Text.Json.Serialization;

namespace Seq2SeqService.Contracts;

/// <summary>The loaded models.</summary>
public sealed record ModelsResponse(
    [property: JsonPropertyName("default")] string Default,
    [property: JsonPropertyName("models")] IReadOnlyList<ModelInfo> Models);

/// <summary>One loaded model bundle.</summary>
/// <param name="Name">The value for the requests' <c>model</c> field. <example>marian-tatoeba-en-fr</example></param>
/// <param name="SourceLanguage">Source language code, when the bundle states it. <example>en</example></param>
/// <param name="TargetLanguage">Target language code, when the bundle states it. <example>fr</example></param>
/// <param name="Limits">Request limits for this model.</param>
/// <param name="GenerationDefaults">Settings used for options a request leaves unset.</param>
public sealed record ModelInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("source_language")] string? SourceLanguage,
    [property: JsonPropertyName("target_language")] string? TargetLanguage,
    [property: JsonPropertyName("limits")] ModelLimits Limits,
    [property: JsonPropertyName("generation_defaults")] GenerationOptions GenerationDefaults);

/// <summary>What one request may ask of a model.</summary>
/// <param name="MaxInputTokens">Longest source sentence in tokens (the model's positions); longer texts are split into sentences. <example>256</example></param>
/// <param name="MaxNewTokens">Largest allowed <c>max_new_tokens</c>. <example>255</example></param>
/// <param name="MaxBeams">Largest allowed <c>num_beams</c>. <example>8</example></param>
/// <param name="MaxTexts">Most entries in <c>texts</c>. <example>64</example></param>
/// <param name="MaxTextLength">Most characters per text. <example>10000</example></param>
public sealed record ModelLimits(
    [property: JsonPropertyName("max_input_tokens")] int MaxInputTokens,
    [property: JsonPropertyName("max_new_tokens")] int MaxNewTokens,
    [property: JsonPropertyName("max_beams")] int MaxBeams,
    [property: JsonPropertyName("max_texts")] int MaxTexts,
    [property: JsonPropertyName("max_text_length")] int MaxTextLength);
