using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Seq2SeqService.Application;

namespace Seq2SeqService.Documents;

/// <summary>Where a document job stands; the names are DeepL's.</summary>
public enum DocumentStatus
{
    Queued,
    Translating,
    Done,
    Error,
}

/// <summary>
/// One uploaded document: who may read it, what it is translated with, and how far it got. Kept by an
/// <see cref="IDocumentStore"/>, so that it outlives the request that created it (and the process).
/// </summary>
public sealed partial record DocumentJob
{
    /// <summary>32 hex digits, random: DeepL's <c>document_id</c>, and the job's folder name in the disk store.</summary>
    public required string Id { get; init; }

    /// <summary>64 hex digits, random: DeepL's <c>document_key</c>, and part of LibreTranslate's download name.</summary>
    public required string Key { get; init; }

    /// <summary>The uploading API caller's name (<c>anonymous</c> on an open service).</summary>
    public required string Owner { get; init; }

    /// <summary>The client's file name, reduced to a safe base name; only ever sent back, never a path here.</summary>
    public required string FileName { get; init; }

    /// <summary>The <see cref="DocumentFormat.Name"/> it is read and written as.</summary>
    public required string Format { get; init; }

    public required string Model { get; init; }

    /// <summary>The pair it is translated as, for a multilingual model; the model's own when null.</summary>
    public string? SourceLanguage { get; init; }

    /// <summary>See <see cref="SourceLanguage"/>.</summary>
    public string? TargetLanguage { get; init; }

    /// <summary>The API it came through, as metrics label it.</summary>
    public required string Api { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Expires { get; init; }

    /// <summary>Characters of the text that is translated (markup, code and cue timings are not billed).</summary>
    public required long BilledCharacters { get; init; }

    public DocumentStatus Status { get; init; }

    /// <summary>Share of the billed characters whose sentences are translated, 0–1.</summary>
    public double Progress { get; init; }

    /// <summary>From the time spent on the finished share; none before a share is finished.</summary>
    public int? SecondsRemaining { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>For <see cref="DocumentStatus.Error"/>: what failed, so each API answers it with its usual status.</summary>
    public TranslationErrorKind? ErrorKind { get; init; }

    /// <summary>LibreTranslate's download name: the id and the key, so that the name alone is as hard to guess as the key.</summary>
    public string DownloadName => $"{Id}-{Key}.{Format}";

    public bool HasKey(string? key) =>
        key is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(key), System.Text.Encoding.ASCII.GetBytes(Key));

    public static string NewId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public static string NewKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether <paramref name="id"/> has the shape of an id: anything else never reaches a store or a path.</summary>
    public static bool IsId(string? id) => id is not null && IdShape().IsMatch(id);

    /// <summary>The id and key of a download name, or <see langword="null"/> for any other string.</summary>
    public static (string Id, string Key)? ParseDownloadName(string? name)
    {
        var match = name is null ? null : DownloadShape().Match(name);
        return match is { Success: true } ? (match.Groups[1].Value, match.Groups[2].Value) : null;
    }

    [GeneratedRegex("^[0-9A-F]{32}$")]
    private static partial Regex IdShape();

    [GeneratedRegex(@"^([0-9A-F]{32})-([0-9A-F]{64})\.[a-z]{1,8}$")]
    private static partial Regex DownloadShape();
}
