using System.IO.Compression;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Seq2SeqService.Documents;

/// <summary>
/// A zip of XML files (OpenDocument) opened with the XML parts it translates parsed, never resolving a DTD or an
/// external entity (a DTD is refused), and written back entry for entry in the same order, an uncompressed
/// <c>mimetype</c> first as ODF readers require.
/// </summary>
internal sealed class ZippedXml : IOpenedFile
{
    private static readonly XmlReaderSettings Safe = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    private readonly List<(string Name, byte[] Raw)> _entries;
    private readonly Dictionary<string, XDocument> _parsed;

    private ZippedXml(List<(string Name, byte[] Raw)> entries, Dictionary<string, XDocument> parsed, IReadOnlyList<TextSlot> slots)
    {
        _entries = entries;
        _parsed = parsed;
        Slots = slots;
    }

    public IReadOnlyList<TextSlot> Slots { get; }

    /// <summary>Opens <paramref name="file"/> with the entries named in <paramref name="parse"/> parsed, when present.</summary>
    public static ZippedXml Open(byte[] file, IReadOnlyCollection<string> parse,
        Func<IReadOnlyDictionary<string, XDocument>, IReadOnlyList<(string Name, byte[] Raw)>, IReadOnlyList<TextSlot>> collect)
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
            if (parse.Contains(entry.FullName))
            {
                content.Position = 0;
                using var reader = XmlReader.Create(content, Safe);
                parsed[entry.FullName] = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
            }
        }

        return new ZippedXml(entries, parsed, collect(parsed, entries));
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
