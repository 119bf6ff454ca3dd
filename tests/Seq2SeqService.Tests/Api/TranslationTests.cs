using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Seq2SeqService.Catalog;
using Seq2SeqService.Queue;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>The service over real bundles: the default one and the tiny fixture of another shape.</summary>
public sealed class TranslationTests
{
    public static TheoryData<string, string> GoldenFiles => new()
    {
        { Bundles.Default, "greedy" },
        { Bundles.Default, "beam4" },
        { Bundles.Default, "quantized/greedy" },
        { Bundles.Default, "quantized/beam4" },
        { Bundles.Tiny, "greedy" },
        { Bundles.Tiny, "beam4" },
        { Bundles.Recurrent, "greedy" },
        { Bundles.Recurrent, "beam4" },
        { Bundles.TinyRecurrent, "greedy" },
        { Bundles.TinyRecurrent, "beam4" },
    };

    /// <summary>
    /// The default bundle's ort_config.json says its int8 graphs have static activation scales, so <c>auto</c>
    /// (the default) serves them, as <c>quantized</c> does; they have no draft (only float graphs check one).
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("auto")]
    [InlineData("quantized")]
    public async Task The_default_bundle_serves_its_static_int8_graphs_and_says_so_in_models(string? variant)
    {
        var golden = Bundles.ServedByDefault("greedy");
        using var factory = new ServiceFactory(variant is null ? new Dictionary<string, string?>() : new() { ["Service:Models:Bundles:0:Variant"] = variant });
        var client = factory.CreateClient();

        var models = JsonDocument.Parse(await client.GetStringAsync("/models")).RootElement.GetProperty("models");
        models[0].GetProperty("variant").GetString().Should().Be("quantized");
        models[0].GetProperty("draft_tokens").GetInt32().Should().Be(0);
        foreach (var @case in golden.Cases.Take(5))
        {
            var response = await client.PostAsJsonAsync("/translate", new { text = @case.Source, options = golden.Settings.AsOptions() });
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            body.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be(@case.Text);
        }
    }

    [Fact]
    public async Task Models_says_a_bundle_runs_its_fp32_graphs_by_default()
    {
        using var factory = new ServiceFactory(Bundles.SettingsFor(Bundles.Tiny));

        var models = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/models")).RootElement.GetProperty("models");

        models[0].GetProperty("variant").GetString().Should().Be("fp32");
    }

    /// <summary>
    /// Served as fp32, the default bundle has its int8 graphs beside the float ones, so a lone greedy request
    /// decodes speculatively; the output is the golden greedy output either way, and /models says which.
    /// </summary>
    [Theory]
    [InlineData(null, 4)]
    [InlineData("8", 8)]
    public async Task The_default_bundle_drafts_with_its_int8_graphs_and_says_so_in_models(string? draftTokens, int expected)
    {
        await ServesGoldenGreedyWithDraftTokens(draftTokens is null ? [] : new() { ["Service:Models:Bundles:0:DraftTokens"] = draftTokens }, expected);
        await ServesGoldenGreedyWithDraftTokens(new() { ["Service:Models:Bundles:0:Draft"] = "none" }, 0);
    }

    private static async Task ServesGoldenGreedyWithDraftTokens(Dictionary<string, string?> settings, int expected)
    {
        settings["Service:Models:Bundles:0:Variant"] = "fp32";
        var golden = Bundles.ReadGolden(Bundles.Default, "greedy");
        using var factory = new ServiceFactory(settings);
        var client = factory.CreateClient();
        var models = JsonDocument.Parse(await client.GetStringAsync("/models")).RootElement.GetProperty("models");
        models[0].GetProperty("draft_tokens").GetInt32().Should().Be(expected);
        models[1].GetProperty("draft_tokens").GetInt32().Should().Be(0, "the recurrent bundle cannot check guesses");
        foreach (var @case in golden.Cases.Take(5))
        {
            var response = await client.PostAsJsonAsync("/translate", new { text = @case.Source, options = golden.Settings.AsOptions() });
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            body.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be(@case.Text);
        }
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public async Task Known_sentences_translate_to_the_golden_outputs(string bundle, string strategy)
    {
        var golden = Bundles.ReadGolden(bundle, strategy);
        var settings = Bundles.SettingsFor(bundle);
        if (bundle == Bundles.Default)
        {
            settings["Service:Models:Bundles:0:Variant"] = strategy.StartsWith("quantized/", StringComparison.Ordinal) ? "quantized" : "fp32";
        }

        using var factory = new ServiceFactory(settings);
        var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/translate", new
        {
            texts = golden.Cases.Select(c => c.Source).ToArray(),
            model = bundle,
            options = golden.Settings.AsOptions(),
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("model").GetString().Should().Be(bundle);
        var translations = body.GetProperty("translations").EnumerateArray().ToList();
        translations.Should().HaveCount(golden.Cases.Count);
        for (var i = 0; i < golden.Cases.Count; i++)
        {
            var expected = golden.Cases[i];
            var actual = translations[i];
            actual.GetProperty("text").GetString().Should().Be(expected.Text, $"case {i}: {expected.Source}");
            actual.GetProperty("finish_reason").GetString().Should().Be(expected.FinishReason, $"case {i}");
            actual.GetProperty("input_tokens").GetInt32().Should().Be(expected.InputIds.Length, $"case {i}");
            actual.GetProperty("output_tokens").GetInt32().Should().Be(expected.OutputIds.Length, $"case {i}");
        }

        var tokens = JsonDocument.Parse(await (await client.PostAsJsonAsync("/tokenize",
            new { text = golden.Cases[0].Source, model = bundle })).Content.ReadAsStringAsync()).RootElement;
        tokens.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(golden.Cases[0].InputIds);
        tokens.GetProperty("pieces").GetArrayLength().Should().Be(golden.Cases[0].InputIds.Length);
    }

    [Fact]
    public async Task Sixty_four_concurrent_requests_all_succeed_and_are_served_in_batches()
    {
        var golden = Bundles.ServedByDefault("greedy");
        var gate = new BatchGate();
        using var factory = new ServiceFactory(new Dictionary<string, string?>
        {
            ["Service:Batching:MaxBatchSequences"] = "16",
        }, services =>
        {
            services.RemoveAll<IModelCatalog>();
            services.AddSingleton<BundleCatalog>();
            services.AddSingleton(sp => gate.Wrap(sp.GetRequiredService<BundleCatalog>()));
        });
        var client = factory.CreateClient();
        var queue = factory.Services.GetRequiredService<RequestQueue>();
        await gate.NextStartedAsync();

        // The warm-up batch is held until all 64 requests are queued, so batching does not depend on timing.
        var sources = Enumerable.Range(0, 64).Select(i => golden.Cases[i % golden.Cases.Count]).ToList();
        var requests = sources.Select(c => client.PostAsJsonAsync("/translate",
            new { text = c.Source, options = golden.Settings.AsOptions() })).ToList();
        await Wait.UntilAsync(() => queue.Waiting == 64, "all 64 requests are queued");
        gate.Release(1 + 64);

        var responses = await Task.WhenAll(requests);
        for (var i = 0; i < responses.Length; i++)
        {
            responses[i].StatusCode.Should().Be(HttpStatusCode.OK);
            var translation = JsonDocument.Parse(await responses[i].Content.ReadAsStringAsync()).RootElement
                .GetProperty("translations")[0];
            translation.GetProperty("text").GetString().Should().Be(sources[i].Text, $"request {i} gets its own translation");
        }

        var metrics = await client.GetStringAsync("/metrics");
        var model = $"model=\"{Bundles.Default}\"";
        var batches = MetricValue(metrics, $"seq2seq_batch_size_count{{{model}}}");
        var sequences = MetricValue(metrics, $"seq2seq_batch_size_sum{{{model}}}");
        var singletons = MetricValue(metrics, $"seq2seq_batch_size_bucket{{{model},le=\"1\"}}");
        sequences.Should().Be(64);
        batches.Should().BeLessThanOrEqualTo(8);
        singletons.Should().Be(0);
        MetricValue(metrics, "seq2seq_requests_total{api=\"native\",route=\"/translate\",status=\"200\"}").Should().Be(64);
    }

    [Fact]
    public async Task The_default_configuration_serves_every_family()
    {
        using var factory = new ServiceFactory();
        var models = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/models")).RootElement;

        models.GetProperty("default").GetString().Should().Be(Bundles.Default);
        models.GetProperty("models").EnumerateArray()
            .Select(m => (m.GetProperty("name").GetString(), m.GetProperty("architecture").GetString()))
            .Should().Equal((Bundles.Default, "transformer"), (Bundles.Recurrent, "gru-attention"), (Bundles.Multilingual, "transformer"));
        models.GetProperty("models")[1].GetProperty("attention").GetBoolean().Should().BeTrue();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task The_recurrent_model_returns_attention_over_the_source_pieces_with_rows_summing_to_one(int beams)
    {
        using var factory = new ServiceFactory();
        var client = factory.CreateClient();
        const string text = "The cat is sleeping on the sofa.";

        var response = await client.PostAsJsonAsync("/translate",
            new { text, model = Bundles.Recurrent, options = new { num_beams = beams, return_attention = true } });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var translation = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("translations")[0];
        var attention = translation.GetProperty("attention");
        var pieces = JsonDocument.Parse(await (await client.PostAsJsonAsync("/tokenize", new { text, model = Bundles.Recurrent }))
            .Content.ReadAsStringAsync()).RootElement.GetProperty("pieces").EnumerateArray().Select(p => p.GetString()).ToList();
        attention.GetProperty("source_tokens").EnumerateArray().Select(p => p.GetString()).Should().Equal(pieces);
        var targets = attention.GetProperty("target_tokens").EnumerateArray().Select(p => p.GetString()!).ToList();
        targets.Should().HaveCount(translation.GetProperty("output_tokens").GetInt32());
        targets[^1].Should().Be("</s>", "generation ended with eos");
        var weights = attention.GetProperty("weights").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(w => w.GetDouble()).ToList()).ToList();
        weights.Should().HaveCount(targets.Count);
        weights.Should().OnlyContain(r => r.Count == pieces.Count && r.All(w => w >= 0) && Math.Abs(r.Sum() - 1) < 1e-4);
    }

    [Fact]
    public async Task A_real_http_client_translates_through_kestrel()
    {
        // A small body limit, and a body that fits in the transport's 1 MB read buffer: Kestrel's transport takes it all
        // off the socket while the app answers 413, so the close that follows is no reset. A 2 MB body left data unread
        // in the socket, and the reset once reached the client before it read the answer.
        using var factory = new ServiceFactory(new Dictionary<string, string?> { ["Service:Limits:MaxRequestBodyBytes"] = "16384" });
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var golden = Bundles.ServedByDefault("greedy").Cases[0];

        var response = await http.PostAsJsonAsync("/translate", new { text = golden.Source });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("translations")[0].GetProperty("text").GetString().Should().NotBeNullOrWhiteSpace();
        body.GetProperty("timings").GetProperty("total_ms").GetDouble().Should().BePositive();
        (await http.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);

        // Chunked, so no Content-Length warns the server: Kestrel's own body limit has to stop it.
        var huge = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            $"{{\"text\": \"{new string('a', 64 * 1024)}\"}}")));
        huge.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/translate") { Content = huge };
        chunked.Headers.TransferEncodingChunked = true;
        var tooLarge = await http.SendAsync(chunked);
        tooLarge.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        tooLarge.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task A_text_longer_than_the_model_positions_is_split_into_sentences_and_rejoined()
    {
        var golden = Bundles.ServedByDefault("greedy");
        using var factory = new ServiceFactory();
        var client = factory.CreateClient();
        var maxTokens = JsonDocument.Parse(await client.GetStringAsync("/models")).RootElement
            .GetProperty("models")[0].GetProperty("limits").GetProperty("max_input_tokens").GetInt32();
        var singleSentences = golden.Cases.Where(c => TextLayout.Of(c.Source, SentenceSplitting.All).Sentences.Count == 1).ToList();
        var sentences = new List<GoldenCase>();
        while (sentences.Sum(c => c.InputIds.Length - 1) < maxTokens)
        {
            sentences.AddRange(singleSentences);
        }

        var response = await client.PostAsJsonAsync("/translate", new
        {
            text = string.Join(" ", sentences.Select(c => c.Source)),
            options = golden.Settings.AsOptions(),
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var translation = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("translations")[0];
        translation.GetProperty("text").GetString().Should().Be(string.Join(" ", sentences.Select(c => c.Text)));
        translation.GetProperty("input_tokens").GetInt32().Should().Be(sentences.Sum(c => c.InputIds.Length));
    }

    [Fact]
    public async Task Sampling_with_a_seed_is_reproducible_and_needs_no_num_beams()
    {
        using var factory = new ServiceFactory();
        var client = factory.CreateClient();
        var request = new { text = "Where is the station?", options = new { do_sample = true, seed = 7, temperature = 1.5 } };

        var texts = new List<string>();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var response = await client.PostAsJsonAsync("/translate", request);
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            texts.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement
                .GetProperty("translations")[0].GetProperty("text").GetString()!);
        }

        texts[1].Should().Be(texts[0]).And.NotBeEmpty();
    }

    private static double MetricValue(string metrics, string series) =>
        double.Parse(metrics.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal))[(series.Length + 1)..],
            System.Globalization.CultureInfo.InvariantCulture);
}
