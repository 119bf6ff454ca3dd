using System.Net;
using System.Text;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Documents;

/// <summary>DeepL's and LibreTranslate's document calls over raw HTTP, on an open service.</summary>
public sealed class DocumentApiTests(DocumentApiTests.Host host) : IClassFixture<DocumentApiTests.Host>
{
    public sealed class Host : IDisposable
    {
        public DocumentHost Documents { get; } = new(new Dictionary<string, string?> { ["Service:Documents:MaxFileBytes"] = "65536" });

        public void Dispose() => Documents.Dispose();
    }

    private DocumentHost Documents => host.Documents;

    private HttpClient Client => Documents.Client;

    [Fact]
    public async Task An_upload_the_store_cannot_take_is_a_503_to_retry_in_each_apis_shape_never_a_500()
    {
        var folder = Directory.CreateTempSubdirectory("documents-broken-").FullName;
        try
        {
            using var host = new DocumentHost(folder: folder);
            var client = host.Client;
            // The store's folder turns into a file: every write under it fails as a full or broken volume would.
            Directory.Delete(folder, recursive: true);
            await File.WriteAllTextAsync(folder, "not a folder");

            var (deepl, deeplBody, deeplResponse) = await client.PostAndReadAsync("/v2/document",
                DocumentHost.Upload("a.txt", "Hello.", ("target_lang", "XX")));
            var (libre, libreBody, libreResponse) = await client.PostAndReadAsync("/translate_file",
                DocumentHost.Upload("a.txt", "Hello.", ("source", "en"), ("target", "xx")));

            deepl.Should().Be(HttpStatusCode.ServiceUnavailable, deeplBody.ToString());
            deeplBody.GetProperty("message").GetString().Should().Contain("cannot store documents");
            deeplResponse.Headers.RetryAfter.Should().NotBeNull();
            libre.Should().Be(HttpStatusCode.ServiceUnavailable, libreBody.ToString());
            libreBody.GetProperty("error").GetString().Should().Contain("cannot store documents");
            libreResponse.Headers.RetryAfter.Should().NotBeNull();
        }
        finally
        {
            File.Delete(folder);
        }
    }

    [Fact]
    public async Task Txt_keeps_the_layout_of_the_text_api()
    {
        const string text = "Good morning.\n\n  Thank you, friend.\r\n- A list item.\n\n\n42\n";
        var (_, viaText, _) = await Client.PostAndReadAsync("/v2/translate", Form(("text", text), ("target_lang", "XX")));

        var translated = await Documents.DeepLTranslateAsync("notes.txt", text);

        translated.Should().Be("<0>Good morning.\n\n  <0>Thank you, friend.\r\n- <0>A list item.\n\n\n42\n");
        translated.Should().Be(viaText.GetProperty("translations")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Srt_cue_numbers_and_timings_are_untouched_and_each_cue_is_translated_whole()
    {
        const string subtitles = "\uFEFF1\r\n00:00:01,000 --> 00:00:02,500\r\nHello there,\r\nmy friend.\r\n\r\n" +
                                 "2\r\n00:00:03,000 --> 00:00:04,000\r\nGood night.\r\n";

        var translated = await Documents.DeepLTranslateAsync("film.srt", subtitles);

        translated.Should().Be("\uFEFF1\r\n00:00:01,000 --> 00:00:02,500\r\n<0>Hello there,\nmy friend.\r\n\r\n" +
                               "2\r\n00:00:03,000 --> 00:00:04,000\r\n<0>Good night.\r\n");
    }

    [Fact]
    public async Task Md_code_blocks_inline_code_and_urls_are_untouched_and_markers_kept()
    {
        const string markdown = "# Getting started\n\nRun `make build` to build the **whole** project.\n" +
                                "See [the docs](https://example.com/a_b) or https://example.com/x.\n\n" +
                                "```sh\necho Hello world.\n```\n\n    indented code stays.\n\n- First item.\n1. Second item.\n";

        var translated = await Documents.DeepLTranslateAsync("readme.md", markdown);

        translated.Should().Be("# <0>Getting started\n\n<0>Run `make build` to build the **whole** project.\n" +
                               "<0>See [the docs](https://example.com/a_b) or https://example.com/x.\n\n" +
                               "```sh\necho Hello world.\n```\n\n    indented code stays.\n\n- <0>First item.\n1. <0>Second item.\n");
    }

    [Fact]
    public async Task Status_reports_done_with_billed_characters_and_the_result_is_deleted_after_download()
    {
        var (id, key) = await Documents.DeepLUploadAsync("a.txt", "Good morning.");

        var done = await Documents.DeepLFinishedAsync(id, key);
        done.GetProperty("document_id").GetString().Should().Be(id);
        done.GetProperty("billed_characters").GetInt64().Should().Be("Good morning.".Length);

        var result = await Client.PostAsync($"/v2/document/{id}/result", Json(new { document_key = key }));
        result.StatusCode.Should().Be(HttpStatusCode.OK);
        result.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        result.Content.Headers.ContentDisposition!.FileName.Should().Be("a.txt");
        (await Client.PostAsync($"/v2/document/{id}/result", Form(("document_key", key)))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Client.PostAsync($"/v2/document/{id}", Form(("document_key", key)))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrong_document_key_is_403_and_an_unknown_id_404_in_deepls_shape()
    {
        var (id, key) = await Documents.DeepLUploadAsync("a.txt", "Good morning.");
        await Documents.DeepLFinishedAsync(id, key);
        var other = key[..^1] + (key[^1] == '0' ? '1' : '0');

        var (wrong, body, _) = await Client.PostAndReadAsync($"/v2/document/{id}/result", Form(("document_key", other)));
        wrong.Should().Be(HttpStatusCode.Forbidden);
        body.GetProperty("message").GetString().Should().Contain("document_key");
        (await Client.PostAsync($"/v2/document/{id}", Form(("document_key", other)))).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        foreach (var unknown in new[] { "0123456789ABCDEF0123456789ABCDEF", "..%2F..%2Fetc", "0123456789abcdef0123456789abcdef" })
        {
            var (status, error, _) = await Client.PostAndReadAsync($"/v2/document/{unknown}", Form(("document_key", key)));
            status.Should().Be(HttpStatusCode.NotFound, unknown);
            error.GetProperty("message").GetString().Should().Be("Document not found.");
        }

        // The right key still reads it: the wrong ones changed nothing.
        (await Client.PostAsync($"/v2/document/{id}/result", Form(("document_key", key)))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("report.pdf", "File type '.pdf' is not supported; supported: txt, srt, md, docx, xlsx, pptx, html, odt, odp, epub.")]
    [InlineData("noextension", "File type 'noextension' is not supported; supported: txt, srt, md, docx, xlsx, pptx, html, odt, odp, epub.")]
    public async Task Unsupported_formats_are_400_naming_the_supported_ones(string fileName, string message)
    {
        var (deepl, deeplBody, _) = await Client.PostAndReadAsync("/v2/document", DocumentHost.Upload(fileName, "Hello.", ("target_lang", "XX")));
        var (libre, libreBody, _) = await Client.PostAndReadAsync("/translate_file",
            DocumentHost.Upload(fileName, "Hello.", ("source", "en"), ("target", "xx")));

        deepl.Should().Be(HttpStatusCode.BadRequest);
        deeplBody.GetProperty("message").GetString().Should().Be(message);
        libre.Should().Be(HttpStatusCode.BadRequest);
        libreBody.GetProperty("error").GetString().Should().Be(message);
    }

    [Fact]
    public async Task Bad_uploads_get_their_4xx_in_each_apis_shape()
    {
        async Task Refused(HttpContent content, HttpStatusCode expected, string contains)
        {
            var (status, body, _) = await Client.PostAndReadAsync("/v2/document", content);
            status.Should().Be(expected);
            body.GetProperty("message").GetString().Should().Contain(contains);
        }

        await Refused(DocumentHost.Upload("latin1.txt", [0x43, 0x61, 0x66, 0xE9, 0x2E], ("target_lang", "XX")), HttpStatusCode.BadRequest, "not UTF-8");
        await Refused(DocumentHost.Upload("big.txt", new string('a', 65537), ("target_lang", "XX")), HttpStatusCode.RequestEntityTooLarge, "65537 bytes");
        await Refused(DocumentHost.Upload("a.txt", "Hello."), HttpStatusCode.BadRequest, "target_lang");
        await Refused(Multipart(("target_lang", "XX")), HttpStatusCode.BadRequest, "'file'");
        await Refused(DocumentHost.Upload("bad.srt", "Hello.\nWorld.\n", ("target_lang", "XX")), HttpStatusCode.BadRequest, "Line 1");
        await Refused(DocumentHost.Upload("a.txt", "Hello.", ("target_lang", "DE")), HttpStatusCode.BadRequest, "'de'");
        await Refused(DocumentHost.Upload("a.txt", "Hello.", ("target_lang", "XX"), ("output_format", "docx")), HttpStatusCode.BadRequest, "output_format");

        var (libre, body, _) = await Client.PostAndReadAsync("/translate_file",
            DocumentHost.Upload("big.md", new string('a', 65537), ("source", "en"), ("target", "xx")));
        libre.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        body.GetProperty("error").GetString().Should().Contain("at most 65536");
    }

    [Fact]
    public async Task Path_characters_in_file_names_never_reach_the_filesystem()
    {
        var before = Directory.EnumerateFileSystemEntries(Documents.Folder, "*", SearchOption.AllDirectories).Count(f => f.EndsWith("passwd.txt"));

        var (status, body, _) = await Client.PostAndReadAsync("/v2/document",
            DocumentHost.Upload("../../etc/passwd.txt", "Hello.", ("target_lang", "XX"), ("filename", "..\\..\\x/../passwd.txt")));
        status.Should().Be(HttpStatusCode.OK);
        var id = body.GetProperty("document_id").GetString()!;
        var key = body.GetProperty("document_key").GetString()!;
        await Documents.DeepLFinishedAsync(id, key);
        var result = await Client.PostAsync($"/v2/document/{id}/result", Form(("document_key", key)));

        result.Content.Headers.ContentDisposition!.FileName.Should().Be("passwd.txt");
        Directory.EnumerateFileSystemEntries(Documents.Folder, "*", SearchOption.AllDirectories)
            .Count(f => f.EndsWith("passwd.txt")).Should().Be(before);
        (await Client.GetAsync("/download_file/..%2F..%2Fetc%2Fpasswd")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Translate_file_answers_a_url_that_downloads_the_translation()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate_file",
            DocumentHost.Upload("film.srt", "1\n00:00:01,000 --> 00:00:02,000\nGood night.\n", ("source", "auto"), ("target", "xx")));

        status.Should().Be(HttpStatusCode.OK, body.ToString());
        var url = new Uri(body.GetProperty("translatedFileUrl").GetString()!);
        url.AbsolutePath.Should().MatchRegex("^/download_file/[0-9A-F]{32}-[0-9A-F]{64}\\.srt$");
        var download = await Client.GetAsync(url.PathAndQuery);
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        (await download.Content.ReadAsStringAsync()).Should().Be("1\n00:00:01,000 --> 00:00:02,000\n<0>Good night.\n");

        // LibreTranslate keeps the file until it expires; a name with one digit changed is another name.
        (await Client.GetAsync(url.PathAndQuery)).StatusCode.Should().Be(HttpStatusCode.OK);
        var name = url.Segments[^1];
        var guessed = name[..40] + (name[40] == '0' ? '1' : '0') + name[41..];
        var (missing, error, _) = await Client.SendAndReadAsync(HttpMethod.Get, $"/download_file/{guessed}");
        missing.Should().Be(HttpStatusCode.NotFound);
        error.GetProperty("error").GetString().Should().Be("File not found");
    }

    [Fact]
    public async Task Frontend_settings_list_the_supported_file_formats()
    {
        var (status, body, _) = await Client.SendAndReadAsync(HttpMethod.Get, "/frontend/settings");

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("filesTranslation").GetBoolean().Should().BeTrue();
        body.GetProperty("supportedFilesFormat").Strings().Should().Equal(".txt", ".srt", ".md", ".docx", ".xlsx", ".pptx", ".html", ".odt", ".odp", ".epub");
        body.GetProperty("keyRequired").GetBoolean().Should().BeFalse();
        body.GetProperty("language").GetProperty("target").GetProperty("code").GetString().Should().Be("xx");
    }

    [Fact]
    public async Task A_document_of_many_paragraphs_is_translated_in_chunks_in_order()
    {
        var paragraphs = Enumerable.Range(0, 600).Select(i => $"Paragraph number {i} is here.").ToList();

        var translated = await Documents.DeepLTranslateAsync("long.txt", string.Join("\n\n", paragraphs));

        translated.Should().Be(string.Join("\n\n", paragraphs.Select(p => "<0>" + p)));
        Encoding.UTF8.GetByteCount(string.Join("\n\n", paragraphs)).Should().BeGreaterThan(4096 * 4, "it needs several chunks");
    }
}
