extern alias OpenXml;

using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using OpenXml::DocumentFormat.OpenXml.Packaging;
using Seq2SeqService.Options;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Documents;

/// <summary>A file the document is refused for, with the sentence the client is answered (400).</summary>
public sealed class DocumentRejectedException(string message) : Exception(message);

/// <summary>
/// A file format this service translates: how a file of it is read into a <see cref="TranslatableDocument"/>, and how
/// its paragraphs are cut into sentences.
/// </summary>
/// <param name="Name">The extension without its dot, as the APIs and download names use it.</param>
/// <param name="MediaType">What the translated file is sent as.</param>
/// <param name="Splitting">
/// How a paragraph is cut: plain text the way the text API cuts it (the model's default), so that a .txt file keeps
/// its layout line for line as a text request would; every other format's paragraphs at sentence ends only, since
/// their line breaks are wrapping, not layout, and a sentence must reach the model whole.
/// </param>
/// <param name="Read">Reads the file within the limits into what is kept and what is translated.</param>
/// <param name="Aliases">Other extensions of the same format.</param>
public sealed partial record DocumentFormat(string Name, string MediaType, SentenceSplitting? Splitting,
    Func<byte[], DocumentOptions, TranslatableDocument> Read, IReadOnlyList<string>? Aliases = null)
{
    private const string OdtType = "application/vnd.oasis.opendocument.text";
    private const string OdpType = "application/vnd.oasis.opendocument.presentation";

    public static DocumentFormat Txt { get; } = new("txt", "text/plain; charset=utf-8", null, Utf8("txt", ReadText));

    public static DocumentFormat Srt { get; } = new("srt", "application/x-subrip; charset=utf-8", SentenceSplitting.NoNewlines,
        Utf8("srt", ReadSubRip));

    public static DocumentFormat Md { get; } = new("md", "text/markdown; charset=utf-8", SentenceSplitting.NoNewlines,
        Utf8("md", MarkdownReader.Read), ["markdown"]);

    public static DocumentFormat Docx { get; } = new("docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", SentenceSplitting.NoNewlines, WordFormat.Read);

    public static DocumentFormat Xlsx { get; } = new("xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", SentenceSplitting.NoNewlines, SpreadsheetFormat.Read);

    public static DocumentFormat Pptx { get; } = new("pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", SentenceSplitting.NoNewlines, PresentationFormat.Read);

    public static DocumentFormat Html { get; } = new("html", "text/html; charset=utf-8", SentenceSplitting.NoNewlines,
        HtmlFormat.Read, ["htm"]);

    public static DocumentFormat Odt { get; } = new("odt", OdtType, SentenceSplitting.NoNewlines, OdfFormat.Reader("odt", OdtType));

    public static DocumentFormat Odp { get; } = new("odp", OdpType, SentenceSplitting.NoNewlines, OdfFormat.Reader("odp", OdpType));

    public static DocumentFormat Epub { get; } = new("epub", "application/epub+zip", SentenceSplitting.NoNewlines, EpubFormat.Read);

    public static IReadOnlyList<DocumentFormat> All { get; } = [Txt, Srt, Md, Docx, Xlsx, Pptx, Html, Odt, Odp, Epub];

    /// <summary>"txt, srt, md, ...", for the errors that name what is supported.</summary>
    public static string Supported => string.Join(", ", All.Select(f => f.Name));

    public static DocumentFormat? Named(string name) => All.FirstOrDefault(f => f.Name == name);

    /// <summary>The format of a file by its extension or one of its aliases, or <see langword="null"/>.</summary>
    public static DocumentFormat? OfFileName(string fileName)
    {
        var extension = Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();
        return All.FirstOrDefault(f => f.Name == extension || (f.Aliases?.Contains(extension) ?? false));
    }

    /// <summary>The file cut into what is kept and what is translated.</summary>
    /// <exception cref="DocumentRejectedException">Not a file of this format, or past a limit.</exception>
    public TranslatableDocument Parse(byte[] file, DocumentOptions limits)
    {
        try
        {
            return Read(file, limits);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or XmlException or FormatException or IOException)
        {
            // The libraries' own word for a file they cannot read is still the client's problem, not the service's.
            throw new DocumentRejectedException($"The file is not a readable .{Name} document ({e.Message}).");
        }
    }

    /// <summary>
    /// A text format: the file read as UTF-8 (a byte-order mark is kept as it is), then cut by <paramref name="read"/>.
    /// </summary>
    private static Func<byte[], DocumentOptions, TranslatableDocument> Utf8(string name, Action<string, DocumentText> read) =>
        (file, _) =>
        {
            string content;
            try
            {
                content = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file);
            }
            catch (DecoderFallbackException e)
            {
                throw new DocumentRejectedException(
                    $"The file is not UTF-8 text (invalid byte at offset {e.Index}); send .{name} files encoded as UTF-8.");
            }

            var text = new DocumentText();
            if (content.StartsWith('\uFEFF'))
            {
                text.Keep("\uFEFF");
                content = content[1..];
            }

            read(content, text);
            return text;
        };

    /// <summary>Lines with their line breaks, so that keeping every line keeps the file.</summary>
    internal static IEnumerable<(string Content, string Break)> Lines(string text)
    {
        foreach (Match line in LineShape().Matches(text))
        {
            if (line.Length > 0)
            {
                yield return (line.Groups[1].Value, line.Groups[2].Value);
            }
        }
    }

    /// <summary>Paragraphs between blank lines; the text API's layout keeping does the rest.</summary>
    private static void ReadText(string content, DocumentText text)
    {
        foreach (var (piece, i) in BlankLines().Split(content).Select((p, i) => (p, i)))
        {
            if (i % 2 == 0)
            {
                text.Translate(piece);
            }
            else
            {
                text.Keep(piece);
            }
        }
    }

    /// <summary>Cues: number and timing lines kept, the cue's text lines translated together.</summary>
    private static void ReadSubRip(string content, DocumentText text)
    {
        var lines = Lines(content).ToList();
        var i = 0;
        while (i < lines.Count)
        {
            if (string.IsNullOrWhiteSpace(lines[i].Content))
            {
                text.Keep(lines[i].Content + lines[i].Break);
                i++;
                continue;
            }

            if (!CueNumber().IsMatch(lines[i].Content) || i + 1 >= lines.Count || !lines[i + 1].Content.Contains("-->", StringComparison.Ordinal))
            {
                throw new DocumentRejectedException(
                    $"Line {i + 1} is not the start of a SubRip cue (a number, then a timing line with '-->').");
            }

            text.Keep(lines[i].Content + lines[i].Break + lines[i + 1].Content + lines[i + 1].Break);
            i += 2;
            var cue = new List<(string Content, string Break)>();
            while (i < lines.Count && !string.IsNullOrWhiteSpace(lines[i].Content))
            {
                cue.Add(lines[i++]);
            }

            if (cue.Count > 0)
            {
                text.Translate(string.Join("\n", cue.Select(l => l.Content)));
                text.Keep(cue[^1].Break);
            }
        }
    }

    [GeneratedRegex(@"([^\r\n]*)(\r\n|\n|\r|$)")]
    private static partial Regex LineShape();

    [GeneratedRegex(@"((?:\r\n|\n|\r)(?:[ \t]*(?:\r\n|\n|\r))+)")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"^\s*\d+\s*$")]
    private static partial Regex CueNumber();
}
