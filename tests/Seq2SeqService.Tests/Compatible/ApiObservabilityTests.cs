using System.Text.Json;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>
/// A translation through any of the three APIs is measured and logged alike, labelled with its API: POST
/// /translate is one route for the native API and LibreTranslate's, so only the label tells them apart.
/// </summary>
public sealed class ApiObservabilityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("seq2seq-api-logs-").FullName;

    private static async Task TranslateThroughEachApiAsync(HttpClient client)
    {
        (await client.PostAndReadAsync("/translate", Json(new { texts = new[] { "a b", "c" }, model = "en-xx" })))
            .Status.Should().Be(System.Net.HttpStatusCode.OK);
        (await client.PostAndReadAsync("/translate", Json(new { q = "d e f", source = "en", target = "xx" })))
            .Status.Should().Be(System.Net.HttpStatusCode.OK);
        (await client.PostAndReadAsync("/v2/translate", Form(("text", "g"), ("source_lang", "EN"), ("target_lang", "XX"))))
            .Status.Should().Be(System.Net.HttpStatusCode.OK);
    }

    [Fact]
    public async Task Each_api_has_its_own_requests_duration_and_token_series()
    {
        using var factory = Create();
        var client = factory.CreateClient();

        await TranslateThroughEachApiAsync(client);
        var metrics = await client.GetStringAsync("/metrics");

        foreach (var api in new[] { "native", "libretranslate", "deepl" })
        {
            var route = api == "deepl" ? "/v2/translate" : "/translate";
            metrics.Should().Contain($"seq2seq_requests_total{{api=\"{api}\",route=\"{route}\",status=\"200\"}} 1\n")
                .And.Contain($"seq2seq_translate_duration_seconds_count{{api=\"{api}\"}} 1\n");
        }

        // The scripted model's candidates count one output token per source token, end-of-sequence included.
        metrics.Should().Contain("seq2seq_generated_tokens_total{api=\"native\",model=\"en-xx\"} 5\n")
            .And.Contain("seq2seq_generated_tokens_total{api=\"libretranslate\",model=\"en-xx\"} 4\n")
            .And.Contain("seq2seq_generated_tokens_total{api=\"deepl\",model=\"en-xx\"} 2\n");
    }

    [Fact]
    public async Task Each_apis_translation_is_logged_with_its_api_model_batches_and_tokens()
    {
        using (var factory = Create(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Information",
            ["Service:Logging:FilePath"] = Path.Combine(_folder, "service.json"),
        }))
        {
            await TranslateThroughEachApiAsync(factory.CreateClient());
        }

        // Disposing the host flushed the asynchronous file sink.
        var translations = File.ReadAllLines(Directory.GetFiles(_folder).Should().ContainSingle().Subject)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("Api", out _))
            .ToDictionary(e => e.GetProperty("Api").GetString()!);

        translations.Keys.Should().BeEquivalentTo("native", "libretranslate", "deepl");
        translations["libretranslate"].GetProperty("RequestPath").GetString().Should().Be("/translate");
        translations["libretranslate"].GetProperty("Model").GetString().Should().Be("en-xx");
        translations["libretranslate"].GetProperty("InputTokens").GetInt32().Should().Be(4);
        translations["deepl"].GetProperty("BatchSizes").EnumerateArray().Select(b => b.GetInt32()).Should().Equal(1);
        translations["deepl"].GetProperty("@m").GetString().Should()
            .StartWith("HTTP POST /v2/translate responded 200 in ")
            .And.EndWith("; deepl API, model en-xx, batch sizes [1], tokens 2 in / 2 out");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
