using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>Health, metrics, OpenAPI and /models over a scripted model.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task Ready_turns_from_503_to_200_when_the_warm_up_translation_has_run()
    {
        var gate = new BatchGate();
        using var factory = ScriptedService.Create(gate: gate);
        var client = factory.CreateClient();
        await gate.NextStartedAsync();

        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        var notReady = await client.GetAsync("/health/ready");
        notReady.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await notReady.Content.ReadAsStringAsync()).Should().Contain("warming-up");

        gate.Release();
        await Wait.UntilAsync(() => client.GetAsync("/health/ready").Result.StatusCode == HttpStatusCode.OK, "ready");
        (await client.GetStringAsync("/health/ready")).Should().Contain("\"ready\"");
    }

    [Fact]
    public async Task Each_model_has_a_ready_check_that_passes_once_it_is_warmed_up()
    {
        var gate = new BatchGate();
        using var factory = ScriptedService.Create(null, gate, new ScriptedModel("one"), new ScriptedModel("two"));
        var client = factory.CreateClient();
        var checks = factory.Services.GetRequiredService<HealthCheckService>();
        Task<HealthReport> ReadyChecksAsync() => checks.CheckHealthAsync(r => r.Tags.Contains("ready"));

        // The warm-ups run side by side: both start before either is let through.
        string[] started = [(await gate.NextStartedAsync()).Model.Name, (await gate.NextStartedAsync()).Model.Name];
        started.Should().BeEquivalentTo("one", "two");
        gate.Release();
        int WarmModels(HealthReport report) =>
            report.Entries.Count(e => e.Key.StartsWith("model:", StringComparison.Ordinal) && e.Value.Status == HealthStatus.Healthy);
        await Wait.UntilAsync(() => WarmModels(ReadyChecksAsync().Result) == 1, "one model warm");

        var halfway = await ReadyChecksAsync();
        halfway.Entries.Keys.Should().BeEquivalentTo("scheduler", "model:one", "model:two");
        halfway.Entries.Values.Select(e => e.Status).Should().BeEquivalentTo(
            [HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Unhealthy], "one model and the scheduler still wait");
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);

        gate.Release();
        await Wait.UntilAsync(() => client.GetAsync("/health/ready").Result.StatusCode == HttpStatusCode.OK, "ready");
        (await ReadyChecksAsync()).Status.Should().Be(HealthStatus.Healthy);
        (await checks.CheckHealthAsync(r => r.Tags.Contains("live"))).Entries.Keys.Should().Equal("process");
    }

    [Fact]
    public async Task Swagger_ui_and_openapi_document_describe_the_api_and_its_errors()
    {
        using var factory = ScriptedService.Create();
        var client = factory.CreateClient();

        var ui = await client.GetAsync("/swagger/index.html");
        ui.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ui.Content.ReadAsStringAsync()).Should().Contain("swagger-ui");

        var document = JsonDocument.Parse(await client.GetStringAsync("/swagger/v1/swagger.json")).RootElement;
        var paths = document.GetProperty("paths");
        paths.EnumerateObject().Select(p => p.Name).Should()
            .Contain(["/translate", "/tokenize", "/models", "/health/live", "/health/ready", "/metrics"]);
        var translate = paths.GetProperty("/translate").GetProperty("post");
        translate.GetProperty("summary").GetString().Should().Be("Translates one text or several.");
        translate.GetProperty("responses").EnumerateObject().Select(r => r.Name).Should()
            .Contain(["200", "400", "413", "415", "422", "503"]);
        translate.GetProperty("responses").GetProperty("400").GetProperty("content")
            .TryGetProperty("application/problem+json", out _).Should().BeTrue();
        var request = document.GetProperty("components").GetProperty("schemas").GetProperty("TranslateRequest");
        request.GetProperty("properties").GetProperty("text").GetProperty("example").GetString()
            .Should().Be("The cat is sleeping on the sofa.");
        request.GetProperty("properties").GetProperty("text").GetProperty("description").GetString()
            .Should().Be("One text to translate.");
        var translation = document.GetProperty("components").GetProperty("schemas").GetProperty("Translation");
        translation.GetProperty("properties").GetProperty("text").GetProperty("example").GetString()
            .Should().Be("Le chat dort sur le canapé.");
        translation.GetProperty("properties").GetProperty("finish_reason").GetProperty("description").GetString()
            .Should().NotContain("<example>");
    }

    [Fact]
    public async Task Models_lists_languages_limits_and_defaults()
    {
        using var factory = ScriptedService.Create(new Dictionary<string, string?> { ["Service:Limits:MaxBeams"] = "3" },
            null, new ScriptedModel("one"), new ScriptedModel("two"));
        var models = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/models")).RootElement;

        models.GetProperty("default").GetString().Should().Be("one");
        models.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).Should().Equal("one", "two");
        var first = models.GetProperty("models")[0];
        first.GetProperty("source_language").GetString().Should().Be("en");
        first.GetProperty("limits").GetProperty("max_input_tokens").GetInt32().Should().Be(16);
        first.GetProperty("limits").GetProperty("max_beams").GetInt32().Should().Be(3);
        first.GetProperty("generation_defaults").GetProperty("max_new_tokens").GetInt32().Should().Be(32);
    }

    [Fact]
    public async Task Requests_choose_among_several_models_by_name()
    {
        using var factory = ScriptedService.Create(null, null, new ScriptedModel("one"), new ScriptedModel("two"));
        var response = await factory.CreateClient().PostAsJsonAsync("/translate", new { text = "hi", model = "two" });

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("model").GetString().Should().Be("two");
    }

    [Fact]
    public async Task Metrics_count_requests_by_status_and_batches()
    {
        using var factory = ScriptedService.Create();
        var client = factory.CreateClient();
        (await client.PostAsJsonAsync("/translate", new { texts = new[] { "a", "b c" } })).EnsureSuccessStatusCode();
        await client.PostAsJsonAsync("/translate", new { text = "" });

        // Another host in the same process has a meter of the same name; its counts must stay its own.
        using var neighbour = ScriptedService.Create();
        (await neighbour.CreateClient().PostAsJsonAsync("/translate", new { text = "x" })).EnsureSuccessStatusCode();

        var response = await client.GetAsync("/metrics");
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        var metrics = await response.Content.ReadAsStringAsync();

        var samples = Samples(metrics);
        samples.Should().Contain("seq2seq_requests_total{api=\"native\",route=\"/translate\",status=\"200\"}", "1")
            .And.Contain("seq2seq_requests_total{api=\"native\",route=\"/translate\",status=\"400\"}", "1")
            .And.Contain("seq2seq_batch_size_bucket{model=\"scripted\",le=\"1\"}", "0")
            .And.Contain("seq2seq_batch_size_bucket{model=\"scripted\",le=\"2\"}", "1")
            .And.ContainKey("seq2seq_generated_tokens_total{api=\"native\",model=\"scripted\"}")
            .And.Contain("seq2seq_queue_depth", "0")
            .And.Contain("seq2seq_queue_wait_seconds_count", "1")
            .And.Contain("seq2seq_step_duration_seconds_count{model=\"scripted\"}", "1")
            .And.Contain("seq2seq_translate_duration_seconds_count{api=\"native\"}", "1");
        metrics.Should().Contain("# TYPE seq2seq_batch_size histogram").And.Contain("# TYPE seq2seq_queue_depth gauge");
    }

    [Fact]
    public async Task Alternatives_come_back_when_asked_for()
    {
        using var factory = ScriptedService.Create();
        var response = await factory.CreateClient().PostAsJsonAsync("/translate",
            new { text = "hi", options = new { num_beams = 3, num_return_sequences = 3 } });

        var translation = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement
            .GetProperty("translations")[0];
        translation.GetProperty("text").GetString().Should().Be("<0>hi");
        translation.GetProperty("alternatives").EnumerateArray().Select(a => a.GetProperty("text").GetString())
            .Should().Equal("<1>hi", "<2>hi");
    }

    /// <summary>A Prometheus text exposition's samples: series (name, then labels as written; none for "{}") to value.</summary>
    private static Dictionary<string, string> Samples(string exposition) =>
        exposition.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(line => (Series: line[..line.LastIndexOf(' ')].Replace("{}", ""), Value: line[(line.LastIndexOf(' ') + 1)..]))
            .ToDictionary(s => s.Series, s => s.Value);
}
