using System.IO.Compression;
using System.Net;
using System.Text;
using Seq2SeqService.Tests.Compatible;

namespace Seq2SeqService.Tests.Documents;

/// <summary>
/// Structured files that must be refused at upload, each with a 400 (413 for size) in each API's shape, never a 500
/// nor a failed job: damaged, not a zip, encrypted, bombs, huge pictures, too many slides, DTDs, macros, the wrong
/// format for the extension.
/// </summary>
public sealed class RefusedDocumentTests(DocumentApiTests.Host host) : IClassFixture<DocumentApiTests.Host>
{
    private static readonly Lazy<byte[]> Docx = new(() => DocumentTools.Make("docx"));

    [Fact]
    public Task A_truncated_docx_is_refused_as_damaged() =>
        RefusedAsync("report.docx", Docx.Value[..(Docx.Value.Length / 2)], "damaged or truncated");

    [Fact]
    public Task Text_named_docx_is_refused_as_not_a_zip_package() =>
        RefusedAsync("report.docx", "Hello, this is plain text."u8.ToArray(), "not a .docx document");

    [Fact]
    public Task An_encrypted_office_file_an_ole_compound_file_is_refused() =>
        RefusedAsync("budget.xlsx", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[4096]], "password-protected");

    [Fact]
    public Task A_workbook_named_docx_is_refused() =>
        RefusedAsync("report.docx", DocumentTools.Make("xlsx"), "not a readable .docx document");

    [Fact]
    public Task A_docx_named_odt_is_refused_by_its_mimetype() =>
        RefusedAsync("report.odt", Docx.Value, "its mimetype is not application/vnd.oasis.opendocument.text");

    [Fact]
    public async Task OpenDocument_files_with_a_dtd_or_basic_macros_are_refused()
    {
        var odt = DocumentTools.Make("odt");
        var withDtd = Rewrite(odt, "content.xml", xml =>
        {
            var root = xml.IndexOf("<office:document-content", StringComparison.Ordinal);
            return xml[..root] + "<!DOCTYPE office:document-content [<!ENTITY x \"expanded\">]>" + xml[root..];
        });
        await RefusedAsync("notes.odt", withDtd, "DTD");
        var withMacros = Rewrite(odt, "Basic/Standard/Module1.xml", _ => "<module/>");
        await RefusedAsync("notes.odt", withMacros, "macros");
    }

    [Fact]
    public async Task An_epub_chapter_whose_doctype_declares_an_external_entity_is_refused_never_resolved()
    {
        var epub = DocumentTools.Make("epub");
        var withEntity = Rewrite(epub, "EPUB/text/ch001.xhtml", xhtml => xhtml
            .Replace("<!DOCTYPE html>", "<!DOCTYPE html [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>", StringComparison.Ordinal)
            .Replace("The beach", "The &x; beach", StringComparison.Ordinal));

        await RefusedAsync("book.epub", withEntity, "undeclared entity 'x'");
    }

    [Fact]
    public Task A_docx_named_html_is_refused_as_binary() =>
        RefusedAsync("page.html", Docx.Value, "not an HTML page");

    [Fact]
    public Task A_zip_bomb_is_refused_by_what_it_unpacks_to_not_by_what_it_claims()
    {
        // 40 MiB of one byte packs to about 40 KiB: under the upload cap, over the 32 MiB unpacked cap.
        var bomb = Zip(zip =>
        {
            using var entry = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            var block = new byte[1 << 20];
            Array.Fill(block, (byte)' ');
            for (var i = 0; i < 40; i++)
            {
                entry.Write(block);
            }
        });
        bomb.Length.Should().BeLessThan(65536);
        return RefusedAsync("bomb.docx", bomb, "unpacks to more than 33554432 bytes");
    }

    [Fact]
    public async Task A_docx_whose_picture_unpacks_past_the_cap_is_refused_though_its_file_is_small()
    {
        // The service never decodes a picture, so its pixels cost nothing but its bytes, which the unpacked cap counts.
        using var defaults = new DocumentHost();
        var picture = DocumentTools.Make("docx-picture");
        picture.Length.Should().BeLessThan(524_288, "the file is under the default size cap");
        await RefusedAsync("picture.docx", picture, "unpacks to more than 33554432 bytes", defaults.Client);
    }

    [Fact]
    public async Task A_deck_of_ten_thousand_slides_is_refused_by_its_size_and_with_a_larger_size_cap_by_its_entries()
    {
        var deck = DocumentTools.Make("pptx-deck");
        await RefusedAsync("deck.pptx", deck, "bytes", status: HttpStatusCode.RequestEntityTooLarge);

        using var roomy = new DocumentHost(new Dictionary<string, string?>
        {
            ["Service:Documents:MaxFileBytes"] = "33554432", ["Service:Limits:MaxRequestBodyBytes"] = "67108864",
        });
        await RefusedAsync("deck.pptx", deck, "zip entries; at most 2000", roomy.Client);
    }

    [Fact]
    public async Task A_zip_of_more_entries_than_the_setting_allows_is_refused()
    {
        using var strict = new DocumentHost(new Dictionary<string, string?> { ["Service:Documents:MaxPackageEntries"] = "100" });
        var many = Zip(zip =>
        {
            for (var i = 0; i < 101; i++)
            {
                zip.CreateEntry($"ppt/slides/slide{i}.xml", CompressionLevel.NoCompression);
            }
        });

        await RefusedAsync("many.pptx", many, "101 zip entries; at most 100", strict.Client);
    }

    [Fact]
    public async Task A_docx_with_a_dtd_is_refused_and_its_entity_never_resolved()
    {
        var secret = Path.GetTempFileName();
        await File.WriteAllTextAsync(secret, "SECRET-" + Guid.NewGuid());
        try
        {
            var withEntity = Rewrite(Docx.Value, "word/document.xml", xml =>
            {
                var body = xml.IndexOf("<w:document", StringComparison.Ordinal);
                return xml[..body] + $"<!DOCTYPE w:document [<!ENTITY x SYSTEM \"file://{secret}\">]>" +
                       xml[body..].Replace("The house", "The &x; house", StringComparison.Ordinal);
            });
            await RefusedAsync("report.docx", withEntity, "DTD");
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task Macro_enabled_files_are_refused_whatever_their_extension()
    {
        await RefusedAsync("report.docm", Docx.Value, "File type '.docm' is not supported");
        var macroEnabled = Rewrite(Docx.Value, "[Content_Types].xml", xml => xml.Replace(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            "application/vnd.ms-word.document.macroEnabled.main+xml", StringComparison.Ordinal));
        await RefusedAsync("report.docx", macroEnabled, "macros");
    }

    private async Task RefusedAsync(string fileName, byte[] file, string contains, HttpClient? client = null,
        HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        client ??= host.Documents.Client;
        var (deepl, deeplBody, _) = await client.PostAndReadAsync("/v2/document", DocumentHost.Upload(fileName, file, ("target_lang", "XX")));
        var (libre, libreBody, _) = await client.PostAndReadAsync("/translate_file",
            DocumentHost.Upload(fileName, file, ("source", "en"), ("target", "xx")));

        deepl.Should().Be(status, deeplBody.ToString());
        deeplBody.GetProperty("message").GetString().Should().Contain(contains);
        libre.Should().Be(status, libreBody.ToString());
        libreBody.GetProperty("error").GetString().Should().Contain(contains);
    }

    private static byte[] Zip(Action<ZipArchive> fill)
    {
        using var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            fill(zip);
        }

        return bytes.ToArray();
    }

    /// <summary>A copy of the package with one entry's text changed (or added, from empty).</summary>
    private static byte[] Rewrite(byte[] package, string entryName, Func<string, string> change)
    {
        using var bytes = new MemoryStream();
        bytes.Write(package);
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Update, leaveOpen: true))
        {
            var text = "";
            if (zip.GetEntry(entryName) is { } entry)
            {
                using (var reader = new StreamReader(entry.Open(), Encoding.UTF8))
                {
                    text = reader.ReadToEnd();
                }

                entry.Delete();
            }

            using var writer = new StreamWriter(zip.CreateEntry(entryName).Open(), new UTF8Encoding(false));
            writer.Write(change(text));
        }

        return bytes.ToArray();
    }
}
