using System.Net;
using Seq2SeqService.Documents;
using Seq2SeqService.Options;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Documents;

/// <summary>Whose documents a key reads, what they cost, how long they live, and a restart of the process.</summary>
public sealed class DocumentJobTests
{
    private const string Alpha = "alpha-secret-key";
    private const string Beta = "beta-secret-key";

    private static Dictionary<string, string?> Keys(long alphaCharacters = 0) => new()
    {
        ["Service:Auth:ApiKeys:0:Key"] = Alpha,
        ["Service:Auth:ApiKeys:0:Name"] = "alpha",
        ["Service:Auth:ApiKeys:0:CharactersPerMonth"] = alphaCharacters.ToString(),
        ["Service:Auth:ApiKeys:1:Key"] = Beta,
        ["Service:Auth:ApiKeys:1:Name"] = "beta",
    };

    [Fact]
    public async Task A_libretranslate_download_opens_only_with_the_key_that_uploaded_it()
    {
        using var host = new DocumentHost(Keys());
        var (status, body, _) = await host.Client.PostAndReadAsync("/translate_file",
            DocumentHost.Upload("a.txt", "Good morning.", ("source", "en"), ("target", "xx"), ("api_key", Alpha)));
        status.Should().Be(HttpStatusCode.OK, body.ToString());
        var path = new Uri(body.GetProperty("translatedFileUrl").GetString()!).AbsolutePath;

        (await host.Client.GetAsync($"{path}?api_key={Alpha}")).StatusCode.Should().Be(HttpStatusCode.OK);
        var (other, error, _) = await host.Client.SendAndReadAsync(HttpMethod.Get, $"{path}?api_key={Beta}");
        other.Should().Be(HttpStatusCode.NotFound);
        error.GetProperty("error").GetString().Should().Be("File not found");
        (await host.Client.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await host.Client.PostAsync("/translate_file", DocumentHost.Upload("a.txt", "Hi.", ("source", "en"), ("target", "xx"))))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_deepl_document_needs_its_document_key_whichever_api_key_asks()
    {
        using var host = new DocumentHost(Keys());
        var alpha = ("Authorization", $"DeepL-Auth-Key {Alpha}");
        var beta = ("Authorization", $"DeepL-Auth-Key {Beta}");
        var (id, key) = await host.DeepLUploadAsync("a.txt", "Good morning.", alpha);
        await host.DeepLFinishedAsync(id, key, alpha);

        (await host.Client.PostAndReadAsync($"/v2/document/{id}/result", Form(("document_key", (key[0] == '0' ? "1" : "0") + key[1..])), beta))
            .Status.Should().Be(HttpStatusCode.Forbidden);
        (await host.Client.PostAndReadAsync($"/v2/document/{id}", Form(("document_key", key))))
            .Status.Should().Be(HttpStatusCode.Forbidden, "the service has keys, and none was sent");
        using var download = new HttpRequestMessage(HttpMethod.Post, $"/v2/document/{id}/result") { Content = Form(("document_key", key)) };
        download.Headers.TryAddWithoutValidation(alpha.Item1, alpha.Item2);
        var result = await host.Client.SendAsync(download);
        result.StatusCode.Should().Be(HttpStatusCode.OK);
        (await result.Content.ReadAsStringAsync()).Should().Be("<0>Good morning.");
    }

    [Fact]
    public async Task A_documents_characters_count_against_the_quota_like_a_texts()
    {
        using var host = new DocumentHost(Keys(alphaCharacters: 20));
        var alpha = ("Authorization", $"DeepL-Auth-Key {Alpha}");

        // Markup is not billed: 13 characters of text in a cue of three lines.
        var (id, key) = await host.DeepLUploadAsync("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nGood morning.\n", alpha);
        (await host.DeepLFinishedAsync(id, key, alpha)).GetProperty("billed_characters").GetInt64().Should().Be(13);
        var (_, usage, _) = await host.Client.SendAndReadAsync(HttpMethod.Get, "/v2/usage", null, alpha);
        usage.GetProperty("character_count").GetInt64().Should().Be(13);

        var (status, body, _) = await host.Client.PostAndReadAsync("/v2/document",
            DocumentHost.Upload("b.txt", "Good evening.", ("target_lang", "XX")), alpha);
        status.Should().Be((HttpStatusCode)456);
        body.GetProperty("message").GetString().Should().Contain("Quota exceeded");
    }

    [Fact]
    public async Task Status_goes_from_translating_without_an_estimate_to_one_from_the_finished_chunk()
    {
        var gate = new BatchGate();
        using var host = new DocumentHost(gate: gate);
        _ = host.Factory.Server;
        await gate.NextStartedAsync();
        gate.Release();
        var paragraphs = Enumerable.Range(0, 200).Select(i => $"Paragraph number {i} is here.");
        var (id, key) = await host.DeepLUploadAsync("two-chunks.txt", string.Join("\n\n", paragraphs));

        await gate.NextStartedAsync();
        var (_, started, _) = await host.Client.PostAndReadAsync($"/v2/document/{id}", Form(("document_key", key)));
        started.GetProperty("status").GetString().Should().Be("translating");
        started.TryGetProperty("seconds_remaining", out _).Should().BeFalse("nothing is finished to estimate from");
        var (early, _, response) = await host.Client.PostAndReadAsync($"/v2/document/{id}/result", Form(("document_key", key)));
        early.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.Should().NotBeNull();

        // The second chunk's first batch starts only after the first chunk's progress is stored.
        while (true)
        {
            gate.Release();
            await gate.NextStartedAsync();
            var (_, status, _) = await host.Client.PostAndReadAsync($"/v2/document/{id}", Form(("document_key", key)));
            if (status.TryGetProperty("seconds_remaining", out var remaining))
            {
                status.GetProperty("status").GetString().Should().Be("translating");
                remaining.GetInt32().Should().BeGreaterThanOrEqualTo(0);
                break;
            }
        }

        gate.Release(10_000);
        (await host.DeepLFinishedAsync(id, key)).GetProperty("status").GetString().Should().Be("done");
    }

    [Fact]
    public async Task Past_its_time_to_live_a_document_is_gone_and_its_folder_removed()
    {
        var clock = new ManualClock();
        using var host = new DocumentHost(new Dictionary<string, string?> { ["Service:Documents:TimeToLiveMinutes"] = "5" }, clock);
        var (id, key) = await host.DeepLUploadAsync("a.txt", "Good morning.");
        await host.DeepLFinishedAsync(id, key);
        Directory.Exists(Path.Combine(host.Folder, id)).Should().BeTrue();

        clock.Advance(TimeSpan.FromMinutes(4));
        (await host.Client.PostAsync($"/v2/document/{id}", Form(("document_key", key)))).StatusCode.Should().Be(HttpStatusCode.OK);
        Directory.Exists(Path.Combine(host.Folder, id)).Should().BeTrue();

        clock.Advance(TimeSpan.FromMinutes(2));
        (await host.Client.PostAsync($"/v2/document/{id}", Form(("document_key", key)))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await Wait.UntilAsync(() => !Directory.Exists(Path.Combine(host.Folder, id)), "the cleanup removes the expired job's folder");
    }

    [Fact]
    public async Task A_finished_document_is_still_downloadable_after_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("documents-restart-").FullName;
        try
        {
            string id, key;
            using (var first = new DocumentHost(folder: folder))
            {
                (id, key) = await first.DeepLUploadAsync("a.md", "# Hello world\n");
                await first.DeepLFinishedAsync(id, key);
            }

            using var second = new DocumentHost(folder: folder);
            var result = await second.Client.PostAsync($"/v2/document/{id}/result", Form(("document_key", key)));
            result.StatusCode.Should().Be(HttpStatusCode.OK);
            (await result.Content.ReadAsStringAsync()).Should().Be("# <0>Hello world\n");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_document_left_queued_by_a_stopped_process_is_translated_at_the_next_start()
    {
        var folder = Directory.CreateTempSubdirectory("documents-resume-").FullName;
        try
        {
            // The job as a process that stopped right after the upload left it: stored, never translated.
            var now = DateTimeOffset.UtcNow;
            var job = new DocumentJob
            {
                Id = DocumentJob.NewId(), Key = DocumentJob.NewKey(), Owner = "anonymous", FileName = "left.txt",
                Format = "txt", Model = "en-xx", Api = "deepl", Created = now, Expires = now.AddHours(1), BilledCharacters = 12,
            };
            await new DiskDocumentStore(Microsoft.Extensions.Options.Options.Create(new DocumentOptions { Folder = folder }), TimeProvider.System)
                .CreateAsync(job, "Left behind."u8.ToArray(), CancellationToken.None);

            using var restarted = new DocumentHost(folder: folder);
            (await restarted.DeepLFinishedAsync(job.Id, job.Key)).GetProperty("status").GetString().Should().Be("done");
            var result = await restarted.Client.PostAsync($"/v2/document/{job.Id}/result", Form(("document_key", job.Key)));
            (await result.Content.ReadAsStringAsync()).Should().Be("<0>Left behind.");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
