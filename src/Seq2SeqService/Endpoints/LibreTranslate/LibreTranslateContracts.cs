using System.Text.Json.Serialization;

namespace Seq2SeqService.Endpoints.LibreTranslate;

/// <summary>LibreTranslate's translate parameters (JSON, form-urlencoded or multipart).</summary>
/// <param name="Q" example="Hello world.">The text, or an array of texts.</param>
/// <param name="Source" example="en">A language code from /languages, or <c>auto</c> to detect it.</param>
/// <param name="Target" example="fr">A language code from /languages.</param>
/// <param name="Format" example="text"><c>text</c> (default) or <c>html</c>: only text nodes are translated.</param>
/// <param name="ApiKey">The API key, when the service has keys (also accepted as <c>apiKey</c>).</param>
public sealed record LibreTranslateRequest(
    [property: JsonPropertyName("q")] string Q,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("format")] string? Format,
    [property: JsonPropertyName("api_key")] string? ApiKey);

/// <summary>A translation in LibreTranslate's shape.</summary>
/// <param name="TranslatedText" example="Bonjour le monde.">A string, or an array when <c>q</c> was an array.</param>
/// <param name="DetectedLanguage">With <c>source: auto</c>: one detection, or one per text when <c>q</c> was an array.</param>
public sealed record LibreTranslateResponse(
    [property: JsonPropertyName("translatedText")] object TranslatedText,
    [property: JsonPropertyName("detectedLanguage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    object? DetectedLanguage);

/// <summary>A detected language.</summary>
/// <param name="Confidence" example="100">From 0 to 100.</param>
/// <param name="Language" example="en">Language code.</param>
public sealed record LibreTranslateDetection(
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("language")] string Language);

/// <summary>A language and the languages it translates to.</summary>
/// <param name="Code" example="en">Language code.</param>
/// <param name="Name" example="English">English name.</param>
/// <param name="Targets">Codes it translates to.</param>
public sealed record LibreTranslateLanguage(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("targets")] IReadOnlyList<string> Targets);

/// <summary>Detection parameters.</summary>
/// <param name="Q" example="Where is the station?">The text.</param>
/// <param name="ApiKey">The API key, when the service has keys.</param>
public sealed record LibreTranslateDetectRequest(
    [property: JsonPropertyName("q")] string Q,
    [property: JsonPropertyName("api_key")] string? ApiKey);

/// <summary>LibreTranslate's error shape.</summary>
/// <param name="Error" example="Invalid request: missing q parameter">What went wrong.</param>
public sealed record LibreTranslateError([property: JsonPropertyName("error")] string Error);
