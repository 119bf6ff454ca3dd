using System.Net.Http.Json;
using System.Text.Json;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>The request log as an operator reads it: the JSON log file of a running service.</summary>
public sealed class LoggingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("seq2seq-logs-").FullName;

    [Fact]
    public async Task Each_request_is_one_compact_json_event_and_a_translation_carries_model_batches_and_tokens()
    {
        using (var factory = ScriptedService.Create(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Information",
            ["Service:Logging:FilePath"] = Path.Combine(_folder, "service.json"),
        }))
        {
            // A host started later in the same process logs to its own sinks, not to this one's file.
            using var neighbour = ScriptedService.Create(new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" });
            (await neighbour.CreateClient().PostAsJsonAsync("/translate", new { text = "x" })).EnsureSuccessStatusCode();
            var client = factory.CreateClient();
            (await client.PostAsJsonAsync("/translate", new { texts = new[] { "a", "b c" } })).EnsureSuccessStatusCode();
            (await client.GetAsync("/health/live")).EnsureSuccessStatusCode();
        }

        // Disposing the host flushed the asynchronous file sink; the file name carries the day it rolls on.
        var events = File.ReadAllLines(Directory.GetFiles(_folder).Should().ContainSingle().Subject)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
        var requests = events.Where(e => e.TryGetProperty("RequestPath", out _)).ToList();

        var translate = requests.Should().ContainSingle(e => e.GetProperty("RequestPath").GetString() == "/translate").Subject;
        translate.GetProperty("StatusCode").GetInt32().Should().Be(200);
        translate.GetProperty("Model").GetString().Should().Be("scripted");
        translate.GetProperty("BatchSizes").EnumerateArray().Select(b => b.GetInt32()).Should().Equal(2);
        var inputTokens = translate.GetProperty("InputTokens").GetInt32();
        var outputTokens = translate.GetProperty("OutputTokens").GetInt32();
        inputTokens.Should().BePositive();
        translate.GetProperty("@m").GetString().Should().StartWith("HTTP POST /translate responded 200 in ")
            .And.EndWith($"; native API, model scripted, batch sizes [2], tokens {inputTokens} in / {outputTokens} out");

        var live = requests.Should().ContainSingle(e => e.GetProperty("RequestPath").GetString() == "/health/live").Subject;
        live.TryGetProperty("Model", out _).Should().BeFalse();
        live.GetProperty("@m").GetString().Should().MatchRegex(@"^HTTP GET /health/live responded 200 in \d+\.\d ms$");
    }

    [Fact]
    public async Task Control_characters_a_client_sends_are_escaped_in_the_log()
    {
        using (var factory = ScriptedService.Create(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Information",
            ["Service:Logging:FilePath"] = Path.Combine(_folder, "service.json"),
        }))
        {
            await factory.CreateClient().GetAsync("/x%0a[03:50:00.000 WRN] forged%0d%1b[31m%e2%80%a8");
        }

        var paths = File.ReadAllLines(Directory.GetFiles(_folder).Should().ContainSingle().Subject)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("RequestPath", out _))
            .Select(e => (Path: e.GetProperty("RequestPath").GetString()!, Message: e.GetProperty("@m").GetString()!))
            .ToList();

        var (path, message) = paths.Should().ContainSingle().Subject;
        path.Should().Be(@"/x\n[03:50:00.000 WRN] forged\r\u001b[31m\u2028");
        message.Should().Contain(path).And.NotContainAny("\n", "\r", "\u001b", "\u2028");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
