using System.Text.Json.Serialization;
using Seq2SeqService.Application;

namespace Seq2SeqService.Contracts;

/// <summary>Texts to translate: either <c>text</c> or <c>texts</c>, not both.</summary>
public sealed class TranslateRequest
{
    /// <summary>One text to translate.</summary>
    /// <example>The cat is sleeping on the sofa.</example>
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    /// <summary>Several texts to translate; the translations come back in the same order.</summary>
    /// <example>["Good morning.", "Where is the station?"]</example>
    [JsonPropertyName("texts")]
    public IReadOnlyList<string>? Texts { get; set; }

    /// <summary>Name of a loaded model (see GET /models); the default model when omitted.</summary>
    /// <example>marian-tatoeba-en-fr</example>
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>
    /// The texts' language as an ISO 639-1 code, for a multilingual model (see <c>languages</c> in GET /models);
    /// the model's own source language when omitted. Without <c>model</c>, the first model that translates the
    /// pair answers.
    /// </summary>
    /// <example>en</example>
    [JsonPropertyName("source_language")]
    public string? SourceLanguage { get; set; }

    /// <summary>The language to translate into (ISO 639-1); the model's own target language when omitted.</summary>
    /// <example>fr</example>
    [JsonPropertyName("target_language")]
    public string? TargetLanguage { get; set; }

    /// <summary>
    /// One of the model's tasks (<c>tasks</c> in GET /models: a T5 bundle's task_specific_params, e.g.
    /// <c>summarization</c>): every sentence is written after the task's prefix ("summarize: "). Not with
    /// <c>source_language</c> or <c>target_language</c>, which choose a translation task (<c>translation_en_to_fr</c>)
    /// themselves; none when omitted.
    /// </summary>
    /// <example>summarization</example>
    [JsonPropertyName("task")]
    public string? Task { get; set; }

    /// <summary>
    /// Answer as Server-Sent Events, each sentence as soon as it is translated, then the whole response (as
    /// <c>Accept: text/event-stream</c> asks too; docs/api.md#streaming).
    /// </summary>
    /// <example>false</example>
    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }

    /// <summary>Generation settings overriding the model's defaults (Hugging Face names).</summary>
    [JsonPropertyName("options")]
    public GenerationOptions? Options { get; set; }
}
