using System.IO.Compression;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Seq2SeqService.Documents;

/// <summary>
/// A zip of XML files (OpenDocument, EPUB) opened with the XML parts it translates parsed, never resolving a DTD or
/// an external entity (a DTD is refused, or for XHTML, whose <c>&lt;!DOCTYPE html&gt;</c> is usual, skipped with its
/// entities left undeclared, so a reference to one is refused), and written back entry for entry in the same order, an uncompressed
/// <c>mimetype</c> first as ODF readers require.
/// </summary>
internal sealed class ZippedXml : IOpenedFile
{
    private static readonly XmlReaderSettings Strict = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
    private static readonly XmlReaderSettings SkippingDoctype = new() { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };

    private readonly List<(string Name, byte[] Raw)> _entries;
    private readonly Dictionary<string, XDocument> _parsed;

    private ZippedXml(List<(string Name, byte[] Raw)> entries, Dictionary<string, XDocument> parsed, IReadOnlyList<TextSlot> slots)
    {
        _entries = entries;
        _parsed = parsed;
        Slots = slots;
    }

    public IReadOnlyList<TextSlot> Slots { get; }

    /// <summary>Opens <paramref name="file"/> with the entries whose names <paramref name="parse"/> picks parsed.</summary>
    public static ZippedXml Open(byte[] file, Func<string, bool> parse,
        Func<IReadOnlyDictionary<string, XDocument>, IReadOnlyList<(string Name, byte[] Raw)>, IReadOnlyList<TextSlot>> collect,
        bool skipDoctype = false)
    {
        using var zip = new ZipArchive(new MemoryStream(file, writable: false), ZipArchiveMode.Read);
        var entries = new List<(string Name, byte[] Raw)>();
        var parsed = new Dictionary<string, XDocument>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var content = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(content);
            }

            entries.Add((entry.FullName, content.ToArray()));
            if (parse(entry.FullName))
            {
                content.Position = 0;
                using var reader = XmlReader.Create(content, skipDoctype ? SkippingDoctype : Strict);
                parsed[entry.FullName] = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
            }
        }

        return new ZippedXml(entries, parsed, collect(parsed, entries));
    }

    /// <summary>Refuses a file whose <c>mimetype</c> entry (OpenDocument's and EPUB's first) is not <paramref name="mimeType"/>.</summary>
    /// <exception cref="DocumentRejectedException">Another format than the extension says.</exception>
    public static void RequireMimeType(IReadOnlyList<(string Name, byte[] Raw)> entries, string format, string mimeType)
    {
        var declared = entries.FirstOrDefault(e => e.Name == "mimetype").Raw;
        if (declared is null || Encoding.ASCII.GetString(declared).Trim() != mimeType)
        {
            throw new DocumentRejectedException($"The file is not a .{format} document: its mimetype is not {mimeType}.");
        }
    }

    public byte[] Save()
    {
        using var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, raw) in _entries.OrderBy(e => e.Name == "mimetype" ? 0 : 1))
            {
                using var stream = zip.CreateEntry(name, name == "mimetype" ? CompressionLevel.NoCompression : CompressionLevel.Optimal).Open();
                if (_parsed.TryGetValue(name, out var xml))
                {
                    using var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
                    xml.Save(writer);
                }
                else
                {
                    stream.Write(raw);
                }
            }
        }

        return bytes.ToArray();
    }

    public void Dispose()
    {
    }
}
