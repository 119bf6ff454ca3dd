using System.Text.Json.Serialization;

namespace Seq2SeqService.Endpoints.DeepL;

/// <summary>DeepL's translate parameters (form-urlencoded with repeated <c>text</c>, or JSON).</summary>
/// <param name="Text">The texts (repeat the form field, or a JSON array).</param>
/// <param name="TargetLang" example="FR">Target language, any case; regional variants such as EN-GB map to their language.</param>
/// <param name="SourceLang" example="EN">Source language; omitted: detected.</param>
/// <param name="TagHandling" example="html"><c>html</c> or <c>xml</c>: only text is translated, markup kept; other values are ignored.</param>
public sealed record DeepLTranslateRequest(
    [property: JsonPropertyName("text")] IReadOnlyList<string> Text,
    [property: JsonPropertyName("target_lang")] string TargetLang,
    [property: JsonPropertyName("source_lang")] string? SourceLang,
    [property: JsonPropertyName("tag_handling")] string? TagHandling);

/// <summary>DeepL's translate answer.</summary>
/// <param name="Translations">One per text, in order.</param>
public sealed record DeepLTranslateResponse(
    [property: JsonPropertyName("translations")] IReadOnlyList<DeepLTranslation> Translations);

/// <summary>One translation.</summary>
/// <param name="DetectedSourceLanguage" example="EN">The source language, given or detected.</param>
/// <param name="Text" example="Bonjour le monde.">The translation.</param>
/// <param name="BilledCharacters" example="12">Characters of the source text, charged to the key's quota.</param>
public sealed record DeepLTranslation(
    [property: JsonPropertyName("detected_source_language")] string DetectedSourceLanguage,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("billed_characters")] long BilledCharacters);

/// <summary>A language in DeepL's list.</summary>
/// <param name="Language" example="FR">Code.</param>
/// <param name="Name" example="French">English name.</param>
/// <param name="SupportsFormality">Only in target lists; always false here.</param>
public sealed record DeepLLanguage(
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("supports_formality"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    bool? SupportsFormality);

/// <summary>Characters used this month and the key's limit.</summary>
/// <param name="CharacterCount" example="1234">Characters translated this calendar month (UTC).</param>
/// <param name="CharacterLimit" example="500000">The key's monthly quota; 1000000000000 when it has none.</param>
public sealed record DeepLUsage(
    [property: JsonPropertyName("character_count")] long CharacterCount,
    [property: JsonPropertyName("character_limit")] long CharacterLimit);

/// <summary>DeepL's error shape.</summary>
/// <param name="Message" example="Value for 'target_lang' not supported.">What went wrong.</param>
public sealed record DeepLError([property: JsonPropertyName("message")] string Message);

/// <summary>A document accepted for translation: both values are needed to poll and download it.</summary>
/// <param name="DocumentId" example="3E2C6F0B9D1A4C8E8F1B2A3C4D5E6F70">The job.</param>
/// <param name="DocumentKey">The secret that reads it; anyone with the id alone gets 403.</param>
public sealed record DeepLDocumentHandle(
    [property: JsonPropertyName("document_id")] string DocumentId,
    [property: JsonPropertyName("document_key")] string DocumentKey);

/// <summary>Where a document's translation stands.</summary>
/// <param name="DocumentId">The job.</param>
/// <param name="Status" example="translating"><c>queued</c>, <c>translating</c>, <c>done</c> or <c>error</c>.</param>
/// <param name="SecondsRemaining" example="12">While translating, once some of it is done: estimated from the time the done share took.</param>
/// <param name="BilledCharacters" example="1337">When done: characters of its translated text, charged at upload.</param>
/// <param name="ErrorMessage">When it failed: why.</param>
public sealed record DeepLDocumentStatus(
    [property: JsonPropertyName("document_id")] string DocumentId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("seconds_remaining"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SecondsRemaining,
    [property: JsonPropertyName("billed_characters"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? BilledCharacters,
    [property: JsonPropertyName("error_message"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorMessage);
