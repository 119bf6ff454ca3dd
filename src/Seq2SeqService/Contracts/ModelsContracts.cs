using System.Text.Json.Serialization;
using Seq2SeqService.Application;

namespace Seq2SeqService.Contracts;

/// <summary>The loaded models.</summary>
/// <param name="Default" example="marian-tatoeba-en-fr">The model used when a request names none.</param>
/// <param name="Models">Every loaded model.</param>
public sealed record ModelsResponse(
    [property: JsonPropertyName("default")] string Default,
    [property: JsonPropertyName("models")] IReadOnlyList<ModelInfo> Models);

/// <summary>One loaded model bundle.</summary>
/// <param name="Name" example="marian-tatoeba-en-fr">The value for the requests' <c>model</c> field.</param>
/// <param name="Architecture" example="transformer">The model family: <c>transformer</c> or <c>gru-attention</c>.</param>
/// <param name="Attention" example="true">Whether the model accepts <c>options.return_attention</c>.</param>
/// <param name="Variant" example="fp32">The graphs served: <c>fp32</c> or <c>quantized</c> (int8), from the bundle's <c>Variant</c> setting.</param>
/// <param name="DraftTokens" example="4">
/// Tokens the bundle's int8 graphs guess ahead per decoder call for a greedy request that runs alone (speculative
/// decoding, same output); 0 when the model decodes without a draft (the bundle's <c>Draft</c> setting).
/// </param>
/// <param name="SourceLanguage" example="en">Source language code, when the bundle states it.</param>
/// <param name="TargetLanguage" example="fr">Target language code, when the bundle states it.</param>
/// <param name="Limits">Request limits for this model.</param>
/// <param name="GenerationDefaults">Settings used for options a request leaves unset, <c>split_sentences</c> included.</param>
/// <param name="LengthGuard">
/// The default length limit of a sentence's translation, <c>factor × source tokens + offset</c> (bounded by
/// <c>max_new_tokens</c>); a request's <c>max_new_tokens</c> replaces it. Null when the model has none.
/// </param>
/// <param name="Languages" example="[]">
/// A multilingual model's languages (ISO 639-1), any two of which it translates between when a request names them
/// (<c>source_language</c>, <c>target_language</c>); empty for a model of one pair.
/// </param>
/// <param name="Pairs">Every language pair the model translates, its own first.</param>
/// <param name="Tasks">The tasks a request's <c>task</c> may name (a T5 bundle's prefixes); empty for most models.</param>
public sealed record ModelInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("architecture")] string Architecture,
    [property: JsonPropertyName("attention")] bool Attention,
    [property: JsonPropertyName("variant")] string Variant,
    [property: JsonPropertyName("draft_tokens")] int DraftTokens,
    [property: JsonPropertyName("source_language")] string? SourceLanguage,
    [property: JsonPropertyName("target_language")] string? TargetLanguage,
    [property: JsonPropertyName("limits")] ModelLimits Limits,
    [property: JsonPropertyName("generation_defaults")] GenerationOptions GenerationDefaults,
    [property: JsonPropertyName("length_guard")] LengthGuardInfo? LengthGuard,
    [property: JsonPropertyName("languages")] IReadOnlyList<string> Languages,
    [property: JsonPropertyName("pairs")] IReadOnlyList<LanguagePairInfo> Pairs,
    [property: JsonPropertyName("tasks")] IReadOnlyList<TaskInfo> Tasks);

/// <summary>A task a model was trained for by a source prefix.</summary>
/// <param name="Name" example="translation_en_to_fr">The value for a request's <c>task</c>.</param>
/// <param name="Prefix" example="translate English to French: ">What every sentence is written after.</param>
/// <param name="SourceLanguage" example="en">A translation task's source language, which a request's languages choose it by; null for another task.</param>
/// <param name="TargetLanguage" example="fr">A translation task's target language; null for another task.</param>
/// <param name="GenerationDefaults">The model's defaults with the task's own (T5's task_specific_params: num_beams,
/// max_length, min_length, length_penalty, no_repeat_ngram_size, early_stopping) applied; a request's options win.</param>
public sealed record TaskInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("source_language")] string? SourceLanguage,
    [property: JsonPropertyName("target_language")] string? TargetLanguage,
    [property: JsonPropertyName("generation_defaults")] GenerationOptions GenerationDefaults);

/// <summary>A language pair a model translates.</summary>
/// <param name="Source" example="en">ISO 639-1 code of the texts' language.</param>
/// <param name="Target" example="fr">ISO 639-1 code of the translation's language.</param>
public sealed record LanguagePairInfo(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("target")] string Target);

/// <summary>A model's length guard.</summary>
/// <param name="Factor" example="2">Tokens allowed per source token.</param>
/// <param name="Offset" example="10">Tokens allowed on top.</param>
public sealed record LengthGuardInfo(
    [property: JsonPropertyName("factor")] double Factor,
    [property: JsonPropertyName("offset")] int Offset);

/// <summary>What one request may ask of a model.</summary>
/// <param name="MaxInputTokens" example="256">Longest source sentence in tokens (the model's positions); longer texts are split into sentences.</param>
/// <param name="MaxNewTokens" example="255">Largest allowed <c>max_new_tokens</c>.</param>
/// <param name="MaxBeams" example="8">Largest allowed <c>num_beams</c>.</param>
/// <param name="MaxTexts" example="64">Most entries in <c>texts</c>.</param>
/// <param name="MaxTextLength" example="10000">Most characters per text.</param>
public sealed record ModelLimits(
    [property: JsonPropertyName("max_input_tokens")] int MaxInputTokens,
    [property: JsonPropertyName("max_new_tokens")] int MaxNewTokens,
    [property: JsonPropertyName("max_beams")] int MaxBeams,
    [property: JsonPropertyName("max_texts")] int MaxTexts,
    [property: JsonPropertyName("max_text_length")] int MaxTextLength);
