extern alias OpenXml;

using OpenXml::DocumentFormat.OpenXml;
using OpenXml::DocumentFormat.OpenXml.Packaging;
using Seq2SeqService.Options;

namespace Seq2SeqService.Documents;

/// <summary>An Office Open XML package opened from a file's bytes, with its slots; saved into a new array.</summary>
internal sealed class OfficeFile : IOpenedFile
{
    private readonly MemoryStream _stream;
    private readonly OpenXmlPackage _package;

    private OfficeFile(MemoryStream stream, OpenXmlPackage package, IReadOnlyList<TextSlot> slots)
    {
        _stream = stream;
        _package = package;
        Slots = slots;
    }

    public IReadOnlyList<TextSlot> Slots { get; }

    /// <summary>
    /// How a format of packages is read: the zip checked within the limits, then opened with <paramref name="open"/>
    /// and its slots read with <paramref name="collect"/> (again, from the same bytes, when the translation is written).
    /// </summary>
    public static Func<byte[], DocumentOptions, TranslatableDocument> Reader<TPackage>(string format,
        Func<Stream, OpenSettings, TPackage> open, Func<TPackage, IReadOnlyList<TextSlot>> collect) where TPackage : OpenXmlPackage =>
        (file, limits) =>
        {
            PackageGuard.Check(file, format, limits);
            return new SlotDocument(file, bytes => Open(bytes, open, collect));
        };

    /// <summary>
    /// Opens <paramref name="file"/> with <paramref name="open"/> and reads its slots with <paramref name="collect"/>.
    /// A macro-enabled package is refused whatever its extension says: its code would travel back to the client.
    /// </summary>
    /// <exception cref="DocumentRejectedException">A macro-enabled package.</exception>
    private static OfficeFile Open<TPackage>(byte[] file, Func<Stream, OpenSettings, TPackage> open,
        Func<TPackage, IReadOnlyList<TextSlot>> collect) where TPackage : OpenXmlPackage
    {
        // The library edits in place and needs a stream that can grow; the caller's bytes stay as they are.
        var stream = new MemoryStream();
        stream.Write(file);
        stream.Position = 0;
        var package = open(stream, new OpenSettings { AutoSave = false });
        try
        {
            if (package.GetAllParts().Any(p => p is VbaProjectPart || p.ContentType.Contains("macroEnabled", StringComparison.OrdinalIgnoreCase)))
            {
                throw new DocumentRejectedException("The file holds macros; macro-enabled documents are refused. Save it without macros and send it again.");
            }

            return new OfficeFile(stream, package, collect(package));
        }
        catch
        {
            package.Dispose();
            throw;
        }
    }

    /// <summary>A slot per paragraph of <paramref name="root"/> that has runs of text.</summary>
    public static IEnumerable<TextSlot> Paragraphs<TParagraph>(OpenXmlElement? root,
        Func<TParagraph, IReadOnlyList<StyledRun>> runs, RunShape shape) where TParagraph : OpenXmlElement =>
        root is null
            ? []
            : root.Descendants<TParagraph>().Select(p => (Paragraph: p, Runs: runs(p)))
                .Where(p => p.Runs.Count > 0)
                .Select(p => RunParagraph.Slot(p.Paragraph, p.Runs, shape));

    /// <summary>
    /// A slot for each drawing's description (its alt text) and title, by the attributes every drawing properties
    /// element spells alike (<c>wp:docPr</c>, <c>p:cNvPr</c>, <c>xdr:cNvPr</c>).
    /// </summary>
    public static IEnumerable<TextSlot> AltTexts(IEnumerable<OpenXmlElement> drawings) =>
        from drawing in drawings
        from name in new[] { "descr", "title" }
        let value = drawing.GetAttributes().FirstOrDefault(a => a.LocalName == name && a.NamespaceUri.Length == 0).Value
        where value is { Length: > 0 }
        select TextSlot.Plain(value, t => drawing.SetAttribute(new OpenXmlAttribute(name, "", t)));

    public byte[] Save()
    {
        _package.Save();
        _package.Dispose();
        return _stream.ToArray();
    }

    public void Dispose() => _package.Dispose();
}
