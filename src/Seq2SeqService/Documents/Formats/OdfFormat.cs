using System.Text;
using System.Xml.Linq;
using Seq2SeqService.Options;

namespace Seq2SeqService.Documents;

/// <summary>
/// OpenDocument text (.odt) and presentations (.odp): each stretch of text, spans and links inside a paragraph or
/// heading (<c>text:p</c>, <c>text:h</c>) of the body, the notes, the text boxes and the master pages' headers and
/// footers is one paragraph, its spans and links marks (<see cref="InlineStretches"/>); the title in meta.xml too.
/// Spaces, tabs, line breaks, notes' citations, frames and fields end a stretch and stay where they are; styles,
/// tracked deletions and every other entry are kept.
/// </summary>
internal static class OdfFormat
{
    private static readonly XNamespace Text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
    private static readonly XNamespace Office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    private static readonly XmlTree Tree = new(
        new HashSet<XName> { Text + "span", Text + "a" },
        new HashSet<XName> { Text + "tracked-changes", Text + "sequence-decls", Office + "forms", Text + "note-citation" });

    private static readonly string[] Parsed = ["content.xml", "styles.xml", "meta.xml"];

    /// <summary>How files of <paramref name="format"/> (odt or odp), whose <c>mimetype</c> entry is <paramref name="mimeType"/>, are read.</summary>
    public static Func<byte[], DocumentOptions, TranslatableDocument> Reader(string format, string mimeType) =>
        (file, limits) =>
        {
            PackageGuard.Check(file, format, limits);
            return new SlotDocument(file, bytes => ZippedXml.Open(bytes, Parsed.Contains, (xml, entries) => Slots(format, mimeType, xml, entries)));
        };

    private static List<TextSlot> Slots(string format, string mimeType, IReadOnlyDictionary<string, XDocument> xml,
        IReadOnlyList<(string Name, byte[] Raw)> entries)
    {
        Refuse(format, mimeType, entries);
        var slots = new List<TextSlot>();
        var roots = new[]
        {
            xml.GetValueOrDefault("content.xml")?.Root?.Element(Office + "body"),
            xml.GetValueOrDefault("styles.xml")?.Root?.Element(Office + "master-styles"),
        };
        foreach (var root in roots.OfType<XElement>())
        {
            InlineStretches.Collect<XNode>(Tree, root, slots);
        }

        if (xml.GetValueOrDefault("meta.xml")?.Descendants(Dc + "title").FirstOrDefault() is { } title)
        {
            slots.Add(TextSlot.Plain(title.Value, t => title.Value = t));
        }

        return slots;
    }

    /// <exception cref="DocumentRejectedException">Another format, macros, or encrypted.</exception>
    private static void Refuse(string format, string mimeType, IReadOnlyList<(string Name, byte[] Raw)> entries)
    {
        ZippedXml.RequireMimeType(entries, format, mimeType);
        if (entries.Any(e => e.Name.StartsWith("Basic/", StringComparison.Ordinal) || e.Name.StartsWith("Scripts/", StringComparison.Ordinal)))
        {
            throw new DocumentRejectedException("The file holds macros; macro-enabled documents are refused. Save it without macros and send it again.");
        }

        if (entries.FirstOrDefault(e => e.Name == "META-INF/manifest.xml").Raw is { } manifest &&
            Encoding.UTF8.GetString(manifest).Contains("encryption-data", StringComparison.Ordinal))
        {
            throw new DocumentRejectedException("The file is password-protected; remove the password and send it again.");
        }
    }
}
