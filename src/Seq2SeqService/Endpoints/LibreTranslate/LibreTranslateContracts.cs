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

/// <summary>A translated file's address.</summary>
/// <param name="TranslatedFileUrl">GET it (with <c>api_key</c> when the service has keys) until the file expires.</param>
public sealed record LibreTranslateFileResponse(
    [property: JsonPropertyName("translatedFileUrl")] string TranslatedFileUrl);

/// <summary>What LibreTranslate's own page asks of a server before it shows its controls.</summary>
/// <param name="CharLimit">Most characters per text.</param>
/// <param name="FrontendTimeout">Milliseconds the page waits after typing before it translates.</param>
/// <param name="ApiKeys">Whether the server has API keys.</param>
/// <param name="KeyRequired">Whether every call needs one.</param>
/// <param name="Suggestions">Whether suggestions are taken; never here.</param>
/// <param name="FilesTranslation">Whether /translate_file is served.</param>
/// <param name="SupportedFilesFormat" example="[&quot;.txt&quot;,&quot;.srt&quot;,&quot;.md&quot;]">Extensions /translate_file takes.</param>
/// <param name="Language">The page's default pair.</param>
public sealed record LibreTranslateFrontendSettings(
    [property: JsonPropertyName("charLimit")] int CharLimit,
    [property: JsonPropertyName("frontendTimeout")] int FrontendTimeout,
    [property: JsonPropertyName("apiKeys")] bool ApiKeys,
    [property: JsonPropertyName("keyRequired")] bool KeyRequired,
    [property: JsonPropertyName("suggestions")] bool Suggestions,
    [property: JsonPropertyName("filesTranslation")] bool FilesTranslation,
    [property: JsonPropertyName("supportedFilesFormat")] IReadOnlyList<string> SupportedFilesFormat,
    [property: JsonPropertyName("language")] LibreTranslateDefaultPair Language);

/// <summary>The page's default source and target.</summary>
public sealed record LibreTranslateDefaultPair(
    [property: JsonPropertyName("source")] LibreTranslateNamedLanguage Source,
    [property: JsonPropertyName("target")] LibreTranslateNamedLanguage Target);

/// <summary>A language by code and English name.</summary>
public sealed record LibreTranslateNamedLanguage(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("name")] string Name);
