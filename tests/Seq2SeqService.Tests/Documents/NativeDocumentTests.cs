using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seq2SeqService.Tests.Compatible;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Documents;

/// <summary>The native API's POST /documents, its status and result, over raw HTTP.</summary>
public sealed class NativeDocumentTests
{
    private const string Alpha = "alpha-secret-key";
    private const string Beta = "beta-secret-key";

    private static readonly Dictionary<string, string?> Keys = new()
    {
        ["Service:Auth:ApiKeys:0:Key"] = Alpha,
        ["Service:Auth:ApiKeys:0:Name"] = "alpha",
        ["Service:Auth:ApiKeys:0:CharactersPerMonth"] = "20",
        ["Service:Auth:ApiKeys:1:Key"] = Beta,
        ["Service:Auth:ApiKeys:1:Name"] = "beta",
    };

    [Fact]
    public async Task An_upload_is_accepted_followed_to_done_and_its_result_is_what_the_text_api_makes_of_it()
    {
        using var host = new DocumentHost();
        const string text = "Good morning.\n\n  Thank you, friend.\n";
        var (_, viaText, _) = await host.Client.PostAndReadAsync("/translate", JsonContent.Create(new { text }));

        var (status, handle, response) = await host.Client.PostAndReadAsync("/documents", DocumentHost.Upload("notes.txt", text));

        status.Should().Be(HttpStatusCode.Accepted, handle.ToString());
        handle.GetProperty("status").GetString().Should().Be("queued");
        response.Headers.Location!.ToString().Should().Be(handle.GetProperty("status_url").GetString());
        var done = await FinishedAsync(host.Client, handle, ("X-Document-Key", handle.GetProperty("key").GetString()!));
        done.GetProperty("status").GetString().Should().Be("done");
        done.GetProperty("progress").GetDouble().Should().Be(1);
        done.GetProperty("billed_characters").GetInt64().Should().Be("Good morning.".Length + "Thank you, friend.".Length);
        var result = await host.Client.GetAsync($"{handle.GetProperty("result_url").GetString()}?key={handle.GetProperty("key").GetString()}");
        result.StatusCode.Should().Be(HttpStatusCode.OK);
        result.Content.Headers.ContentDisposition!.FileNameStar.Should().Be("notes.txt");
        (await result.Content.ReadAsStringAsync()).Should().Be(viaText.GetProperty("translations")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_uploading_key_reads_its_document_another_key_only_with_the_document_key()
    {
        using var host = new DocumentHost(Keys);
        var alpha = ("Authorization", $"Bearer {Alpha}");
        var beta = ("X-API-Key", Beta);
        var (status, handle, _) = await host.Client.PostAndReadAsync("/documents",
            DocumentHost.Upload("a.txt", "Good morning.", ("target_language", "xx"), ("source_language", "en")), alpha);
        status.Should().Be(HttpStatusCode.Accepted, handle.ToString());
        var statusUrl = handle.GetProperty("status_url").GetString()!;

        (await FinishedAsync(host.Client, handle, alpha)).GetProperty("status").GetString().Should().Be("done");
        var (other, problem, response) = await host.Client.SendAndReadAsync(HttpMethod.Get, statusUrl, null, beta);
        other.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        problem.GetProperty("title").GetString().Should().Be("Document not found");
        (await host.Client.SendAndReadAsync(HttpMethod.Get, statusUrl, null, beta, ("X-Document-Key", handle.GetProperty("key").GetString()!)))
            .Status.Should().Be(HttpStatusCode.OK);
        (await host.Client.SendAndReadAsync(HttpMethod.Get, $"{statusUrl}/result", null, beta)).Status.Should().Be(HttpStatusCode.NotFound);
        (await host.Client.SendAndReadAsync(HttpMethod.Get, statusUrl)).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task On_an_open_service_only_the_document_key_opens_a_document()
    {
        using var host = new DocumentHost();
        var (_, handle, _) = await host.Client.PostAndReadAsync("/documents", DocumentHost.Upload("a.txt", "Good morning."));
        var statusUrl = handle.GetProperty("status_url").GetString()!;

        (await host.Client.GetAsync(statusUrl)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await host.Client.GetAsync($"{statusUrl}?key={AnotherKey(handle)}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await host.Client.GetAsync("/documents/not-an-id")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await host.Client.GetAsync($"{statusUrl}?key={handle.GetProperty("key").GetString()}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_documents_characters_count_against_the_quota_and_past_it_the_upload_is_a_429_problem()
    {
        using var host = new DocumentHost(Keys);
        var alpha = ("Authorization", $"Bearer {Alpha}");

        (await host.Client.PostAndReadAsync("/documents", DocumentHost.Upload("a.txt", "Good morning."), alpha))
            .Status.Should().Be(HttpStatusCode.Accepted);
        var (status, problem, response) = await host.Client.PostAndReadAsync("/documents",
            DocumentHost.Upload("b.txt", "Good evening."), alpha);

        status.Should().Be(HttpStatusCode.TooManyRequests);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        problem.GetProperty("detail").GetString().Should().Contain("13 of its 20 characters");
    }

    [Theory]
    [InlineData("notes.pdf", "model", "en-xx", 400, "not supported")]
    [InlineData("notes.txt", "model", "no-such-model", 400, "not a loaded model")]
    [InlineData("notes.txt", "target_language", "zz", 400, "not available as a target language")]
    public async Task Bad_input_is_a_4xx_problem(string fileName, string field, string value, int expected, string says)
    {
        using var host = new DocumentHost();

        var (status, problem, response) = await host.Client.PostAndReadAsync("/documents",
            DocumentHost.Upload(fileName, "Good morning.", (field, value)));

        ((int)status).Should().Be(expected, problem.ToString());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        problem.ToString().Should().Contain(says);
    }

    [Theory]
    [InlineData("target", "fr", "target_language")]
    [InlineData("source", "en", "source_language")]
    [InlineData("target", "", "target_language")]
    public async Task The_first_forms_language_fields_are_a_400_naming_their_new_names(string field, string value, string name)
    {
        using var host = new DocumentHost();

        var (status, problem, response) = await host.Client.PostAndReadAsync("/documents",
            DocumentHost.Upload("notes.txt", "Good morning.", (field, value)));

        status.Should().Be(HttpStatusCode.BadRequest, problem.ToString());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        problem.GetProperty("errors").GetProperty(field)[0].GetString().Should().Contain(name);
    }

    [Fact]
    public async Task A_missing_file_and_one_too_large_are_a_400_and_a_413_problem()
    {
        using var host = new DocumentHost(new Dictionary<string, string?> { ["Service:Documents:MaxFileBytes"] = "8" });

        var (missing, _, _) = await host.Client.PostAndReadAsync("/documents", CompatibleHost.Multipart(("target_language", "xx")));
        var (large, problem, _) = await host.Client.PostAndReadAsync("/documents", DocumentHost.Upload("a.txt", "Good morning."));

        missing.Should().Be(HttpStatusCode.BadRequest);
        large.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("detail").GetString().Should().Contain("at most 8");
    }

    [Fact]
    public async Task The_document_calls_are_in_the_native_swagger_document()
    {
        using var host = new DocumentHost();
        var swagger = await host.Client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        var paths = swagger.GetProperty("paths");
        paths.GetProperty("/documents").GetProperty("post").GetProperty("responses").TryGetProperty("202", out _).Should().BeTrue();
        paths.GetProperty("/documents/{id}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _).Should().BeTrue();
        paths.GetProperty("/documents/{id}/result").GetProperty("get").GetProperty("responses").TryGetProperty("503", out _).Should().BeTrue();
    }

    private static string AnotherKey(JsonElement handle)
    {
        var key = handle.GetProperty("key").GetString()!;
        return (key[0] == '0' ? "1" : "0") + key[1..];
    }

    /// <summary>Polls the status URL until done or failed, bounded by a deadline.</summary>
    private static async Task<JsonElement> FinishedAsync(HttpClient client, JsonElement handle, params (string Name, string Value)[] headers)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var (status, body, _) = await client.SendAndReadAsync(HttpMethod.Get, handle.GetProperty("status_url").GetString()!, null, headers);
            status.Should().Be(HttpStatusCode.OK, body.ToString());
            if (body.GetProperty("status").GetString() is "done" or "error")
            {
                return body;
            }

            deadline.IsCancellationRequested.Should().BeFalse("the document should be translated within the deadline");
            await Task.Delay(5, CancellationToken.None);
        }
    }
}
