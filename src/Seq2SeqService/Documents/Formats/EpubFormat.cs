using System.Xml.Linq;
using Seq2SeqService.Html;
using Seq2SeqService.Options;

namespace Seq2SeqService.Documents;

/// <summary>
/// EPUB (.epub): every XHTML file (the chapters and the EPUB 3 navigation document), its paragraphs cut as in HTML
/// (<see cref="InlineStretches"/>) with its title and its <c>alt</c> and <c>title</c> attributes; the NCX table of
/// contents' labels; the package's <c>dc:title</c>. Scripts, styles, preformatted blocks, inline code, anything
/// marked <c>translate="no"</c> or <c>class="notranslate"</c> (<see cref="HtmlElements"/>), images, the reading order
/// and every other entry are kept; a DOCTYPE is skipped, never resolved (<see cref="ZippedXml"/>).
/// </summary>
internal static class EpubFormat
{
    private const string MimeType = "application/epub+zip";

    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace Ncx = "http://www.daisy.org/z3986/2005/ncx/";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    private static readonly XmlTree Tree = new(
        HtmlElements.Inline.Select(n => Xhtml + n).ToHashSet(),
        HtmlElements.Kept.Concat(HtmlElements.Code).Select(n => Xhtml + n).ToHashSet(),
        e => HtmlElements.IsNoTranslate((string?)e.Attribute("translate"), (string?)e.Attribute("class")));

    private static readonly string[] Parsed = [".xhtml", ".html", ".htm", ".ncx", ".opf"];

    private static readonly string[] TranslatedAttributes = ["alt", "title"];

    public static TranslatableDocument Read(byte[] file, DocumentOptions limits)
    {
        PackageGuard.Check(file, "epub", limits);
        return new SlotDocument(file, bytes => ZippedXml.Open(bytes,
            name => Parsed.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)), Slots, skipDoctype: true));
    }

    private static List<TextSlot> Slots(IReadOnlyDictionary<string, XDocument> xml, IReadOnlyList<(string Name, byte[] Raw)> entries)
    {
        ZippedXml.RequireMimeType(entries, "epub", MimeType);
        var slots = new List<TextSlot>();
        foreach (var document in entries.Select(e => xml.GetValueOrDefault(e.Name)).OfType<XDocument>())
        {
            var texts = document.Descendants(Dc + "title").Concat(document.Descendants(Ncx + "text"))
                .Concat(document.Descendants(Xhtml + "title").Where(t => t.Parent?.Name == Xhtml + "head"));
            slots.AddRange(texts.Select(t => TextSlot.Plain(t.Value, v => t.Value = v)));
            if (document.Root?.Element(Xhtml + "body") is { } body)
            {
                InlineStretches.Collect<XNode>(Tree, body, slots);
                foreach (var attribute in body.DescendantsAndSelf().Where(e => !Tree.IsKept(e)).Attributes()
                             .Where(a => TranslatedAttributes.Contains(a.Name.LocalName) && a.Value.Length > 0))
                {
                    slots.Add(TextSlot.Plain(attribute.Value, v => attribute.Value = v));
                }
            }
        }

        return slots;
    }
}
