using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Seq2SeqService.Testing;

namespace Seq2SeqService.Tests.Documents;

/// <summary>
/// Two service processes sharing one real redis-server, as two replicas behind a Service: a document uploaded to one
/// is polled and downloaded through the other, in DeepL's and LibreTranslate's calls.
/// </summary>
public sealed class RedisReplicaTests
{
    [Fact]
    public async Task A_document_uploaded_to_one_replica_is_polled_and_downloaded_through_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string> { ["Service:Documents:Redis"] = redis.ConnectionString };
        await using var a = await ServiceProcess.StartAsync(settings);
        await using var b = await ServiceProcess.StartAsync(settings);

        var upload = await a.Http.PostAsync("/v2/document",
            DocumentHost.Upload("cat.txt", "The cat is sleeping.\n\nThank you.\n", ("target_lang", "FR")));
        upload.StatusCode.Should().Be(HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
        var handle = await upload.Content.ReadFromJsonAsync<JsonElement>();
        var id = handle.GetProperty("document_id").GetString();
        var key = new FormUrlEncodedContent([new("document_key", handle.GetProperty("document_key").GetString()!)]);

        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        string? status;
        do
        {
            var polled = await b.Http.PostAsync($"/v2/document/{id}", key, deadline.Token);
            polled.StatusCode.Should().Be(HttpStatusCode.OK, "replica B knows the job replica A took");
            status = (await polled.Content.ReadFromJsonAsync<JsonElement>(deadline.Token)).GetProperty("status").GetString();
            // As deepl-node polls: a pause between calls, not a wait for anything.
            await Task.Delay(20, deadline.Token);
        }
        while (status is "queued" or "translating");

        status.Should().Be("done");
        var result = await b.Http.PostAsync($"/v2/document/{id}/result", key, deadline.Token);
        result.StatusCode.Should().Be(HttpStatusCode.OK);
        var french = await result.Content.ReadAsStringAsync(deadline.Token);
        french.Should().Contain("chat").And.Contain("\n\n");
        (await a.Http.PostAsync($"/v2/document/{id}", key, deadline.Token)).StatusCode
            .Should().Be(HttpStatusCode.NotFound, "the download on B deleted the job for A too");

        var file = await a.Http.PostAsync("/translate_file",
            DocumentHost.Upload("sofa.txt", "The cat is sleeping on the sofa.", ("source", "en"), ("target", "fr")), deadline.Token);
        file.StatusCode.Should().Be(HttpStatusCode.OK, await file.Content.ReadAsStringAsync(deadline.Token));
        var url = new Uri((await file.Content.ReadFromJsonAsync<JsonElement>(deadline.Token)).GetProperty("translatedFileUrl").GetString()!);
        var download = await b.Http.GetAsync(url.PathAndQuery, deadline.Token);
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        Encoding.UTF8.GetString(await download.Content.ReadAsByteArrayAsync(deadline.Token)).Should().Contain("chat");
    }

    [Fact]
    public async Task A_document_whose_replica_dies_mid_translation_is_finished_by_another_once_the_lease_lapses()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Service:Documents:Redis"] = redis.ConnectionString,
            ["Service:Documents:RedisLeaseSeconds"] = "2",
        };
        var a = await ServiceProcess.StartAsync(settings);
        var (id, key) = await UploadAsync(a, string.Concat(Enumerable.Repeat("The cat is sleeping on the sofa.\n\n", 600)));
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));

        // A has stored the progress of a chunk and has more to do: it dies in the middle of the document.
        await StatusAsync(a, id, key, s => s.GetProperty("status").GetString() == "translating" &&
                                           s.GetProperty("progress").GetDouble() is > 0 and < 1, deadline.Token);
        await a.DisposeAsync();
        await using var b = await ServiceProcess.StartAsync(settings);

        var done = await StatusAsync(b, id, key, s => s.GetProperty("status").GetString() is "done" or "error", deadline.Token);
        done.GetProperty("status").GetString().Should().Be("done");
        var result = await b.Http.GetAsync($"/documents/{id}/result?key={key}", deadline.Token);
        result.StatusCode.Should().Be(HttpStatusCode.OK);
        var french = await result.Content.ReadAsStringAsync(deadline.Token);
        french.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(600).And.OnlyContain(p => p.Contains("chat"));
    }

    private static async Task<(string Id, string Key)> UploadAsync(ServiceProcess service, string text)
    {
        var upload = await service.Http.PostAsync("/documents", DocumentHost.Upload("long.txt", text, ("target_language", "fr")));
        upload.StatusCode.Should().Be(HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
        var handle = await upload.Content.ReadFromJsonAsync<JsonElement>();
        return (handle.GetProperty("id").GetString()!, handle.GetProperty("key").GetString()!);
    }

    /// <summary>Polls the native status until <paramref name="reached"/> holds; the status then.</summary>
    private static async Task<JsonElement> StatusAsync(ServiceProcess service, string id, string key,
        Func<JsonElement, bool> reached, CancellationToken deadline)
    {
        while (true)
        {
            var status = await service.Http.GetFromJsonAsync<JsonElement>($"/documents/{id}?key={key}", deadline);
            if (reached(status))
            {
                return status;
            }

            // As a client polls: a pause between calls, not a wait for anything.
            await Task.Delay(20, deadline);
        }
    }
}
