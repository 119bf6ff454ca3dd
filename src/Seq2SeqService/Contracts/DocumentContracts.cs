using System.Text.Json.Serialization;

namespace Seq2SeqService.Contracts;

/// <summary>An accepted document: where to follow it, and the key that opens it.</summary>
/// <param name="Id" example="5C0B1E4F8A2D4B6E9F0A1B2C3D4E5F60">The job.</param>
/// <param name="Key">The document key: with it, any caller reads the status and the result (<c>X-Document-Key</c> or <c>?key=</c>); the uploading API key reads them without it.</param>
/// <param name="Status" example="queued">Always <c>queued</c> here.</param>
/// <param name="StatusUrl" example="/documents/5C0B1E4F8A2D4B6E9F0A1B2C3D4E5F60">GET it for the status.</param>
/// <param name="ResultUrl" example="/documents/5C0B1E4F8A2D4B6E9F0A1B2C3D4E5F60/result">GET it for the translated file once done.</param>
public sealed record DocumentHandle(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_url")] string StatusUrl,
    [property: JsonPropertyName("result_url")] string ResultUrl);

/// <summary>Where a document's translation stands.</summary>
/// <param name="Id">The job.</param>
/// <param name="Status" example="translating"><c>queued</c>, <c>translating</c>, <c>done</c> or <c>error</c>.</param>
/// <param name="Progress" example="0.4">Share of the document's characters translated, 0 to 1.</param>
/// <param name="SecondsRemaining" example="12">While translating, once some of it is done: estimated from the time the done share took.</param>
/// <param name="BilledCharacters" example="1337">Characters of its translated text, charged at upload.</param>
/// <param name="FileName" example="notes.txt">The uploaded file's name, which the result keeps.</param>
/// <param name="Error">When <c>error</c>: what failed.</param>
public sealed record DocumentStatusResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("progress")] double Progress,
    [property: JsonPropertyName("seconds_remaining"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SecondsRemaining,
    [property: JsonPropertyName("billed_characters")] long BilledCharacters,
    [property: JsonPropertyName("file_name")] string FileName,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);
