using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>POST /translate as Server-Sent Events.</summary>
public sealed class StreamingTests
{
    [Fact]
    public async Task Sentences_arrive_in_order_per_text_and_the_last_event_is_the_unary_answer()
    {
        using var factory = ScriptedService.Create();
        var client = factory.CreateClient();
        var body = new { texts = new[] { "One. Two.\n- Three.", "42", "Four." } };

        var events = await ReadAllAsync(client, body, accept: true);
        var unary = JsonDocument.Parse(await (await client.PostAsJsonAsync("/translate", body)).Content.ReadAsStringAsync()).RootElement;

        var sentences = events.Where(e => e.Name == "sentence").Select(e => e.Data).ToList();
        sentences.Select(s => (s.GetProperty("index").GetInt32(), s.GetProperty("sentence").GetInt32())).Should()
            .BeEquivalentTo([(0, 0), (0, 1), (0, 2), (2, 0)]);
        sentences.Where(s => s.GetProperty("index").GetInt32() == 0).Select(s => s.GetProperty("sentence").GetInt32())
            .Should().BeInAscendingOrder();
        var first = sentences.Where(s => s.GetProperty("index").GetInt32() == 0).ToList();
        string.Concat(first.Select(s => s.GetProperty("before").GetString() + s.GetProperty("text").GetString() + s.GetProperty("after").GetString()))
            .Should().Be(unary.GetProperty("translations")[0].GetProperty("text").GetString(), "the events rebuild the text with its layout");
        events[^1].Name.Should().Be("done");
        Without(events[^1].Data, "timings").Should().Be(Without(unary, "timings"));
    }

    [Fact]
    public async Task Stream_true_in_the_body_streams_and_a_refused_request_gets_its_status_before_any_event()
    {
        using var factory = ScriptedService.Create();
        var client = factory.CreateClient();

        var streamed = await ReadAllAsync(client, new { text = "Hello.", stream = true }, accept: false);
        streamed.Select(e => e.Name).Should().Equal("sentence", "done");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/translate") { Content = JsonContent.Create(new { text = "Hi.", model = "nope" }) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var refused = await client.SendAsync(request);
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task The_first_sentence_comes_while_the_rest_still_runs_and_a_client_that_leaves_frees_its_rows()
    {
        var model = new SteppingModel(joins: true);
        // With no token budget to end the endless sentence, only the client leaving can.
        using var factory = ScriptedService.Create(
            new Dictionary<string, string?> { ["Service:Batching:MaxTokensPerRequest"] = long.MaxValue.ToString(CultureInfo.InvariantCulture) },
            null, model);
        var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/translate")
        {
            Content = JsonContent.Create(new { text = "Quick one. It runs forever.", stream = true }),
        };
        using var leave = new CancellationTokenSource();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, leave.Token);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(leave.Token));

        var first = await NextEventAsync(reader, leave.Token);

        first.Name.Should().Be("sentence");
        first.Data.GetProperty("text").GetString().Should().Be("<0>Quick one.");
        await Wait.UntilAsync(() => model.ActiveRows == 1, "the endless sentence runs");
        // A client that leaves closes its response; the test server then aborts the request, as Kestrel does when
        // the connection closes. (Cancelling a read alone does not abort a test server's request.)
        await leave.CancelAsync();
        response.Dispose();
        await Wait.UntilAsync(() => model.ActiveRows == 0, "the rows of the request that left are gone");
    }

    [Fact]
    public async Task A_200_sentence_text_streams_the_same_tokens_as_its_unary_answer_greedy_and_beam()
    {
        var sentences = File.ReadAllLines(Path.Combine(Bundles.RepoRoot, "tests", "Seq2Seq.Inference.Tests", "Data", "sentences.en.txt"))
            .Where(l => l.Trim().Length > 0).Take(200).ToList();
        using var factory = new ServiceFactory();
        var client = factory.CreateClient();
        foreach (var beams in new[] { 1, 4 })
        {
            var body = new { text = string.Join(" ", sentences), options = new { num_beams = beams } };

            var events = await ReadAllAsync(client, body, accept: true);
            var unary = JsonDocument.Parse(await (await client.PostAsJsonAsync("/translate", body)).Content.ReadAsStringAsync()).RootElement;

            events.Count(e => e.Name == "sentence").Should().Be(200);
            var texts = events.Where(e => e.Name == "text").ToList();
            if (beams == 1)
            {
                var grown = new Dictionary<int, string>();
                foreach (var (name, data) in events)
                {
                    var sentence = name is "text" or "sentence" ? data.GetProperty("sentence").GetInt32() : -1;
                    if (name == "text")
                    {
                        grown[sentence] = grown.GetValueOrDefault(sentence, "") + data.GetProperty("text").GetString();
                    }
                    else if (name == "sentence")
                    {
                        grown.GetValueOrDefault(sentence, "").Should().Be(data.GetProperty("text").GetString(),
                            "a sentence's text events, all sent before its sentence event, add up to its translation");
                    }
                }
            }
            else
            {
                texts.Should().BeEmpty("beam hypotheses change until the end");
            }

            var done = events[^1];
            done.Name.Should().Be("done");
            Without(done.Data, "timings").Should().Be(Without(unary, "timings"), $"num_beams {beams}");
        }
    }

    private static string Without(JsonElement element, string property) =>
        JsonSerializer.Serialize(element.EnumerateObject().Where(p => p.Name != property).ToDictionary(p => p.Name, p => p.Value));

    private static async Task<List<(string Name, JsonElement Data)>> ReadAllAsync(HttpClient client, object body, bool accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/translate") { Content = JsonContent.Create(body) };
        if (accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<(string, JsonElement)>();
        while (await NextEventAsync(reader, CancellationToken.None) is { Name.Length: > 0 } next)
        {
            events.Add(next);
        }

        return events;
    }

    /// <summary>The next event (comments skipped); an empty name at the end of the stream.</summary>
    private static async Task<(string Name, JsonElement Data)> NextEventAsync(StreamReader reader, CancellationToken cancellation)
    {
        string name = "", data = "";
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            if (line.Length == 0 && name.Length > 0)
            {
                return (name, JsonDocument.Parse(data).RootElement.Clone());
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = new StringBuilder(data).Append(line["data: ".Length..]).ToString();
            }
        }

        return ("", default);
    }
}
