using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Seq2SeqService.Catalog;
using Seq2SeqService.Options;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>The per-request ceiling on estimated work (Service:Limits:MaxRequestWork).</summary>
public sealed class RequestWorkLimitTests
{
    [Fact]
    public async Task A_request_over_the_work_ceiling_gets_413_naming_its_work_and_the_limit()
    {
        using var factory = ScriptedService.Create(new Dictionary<string, string?> { ["Service:Limits:MaxRequestWork"] = "100" });
        var client = factory.CreateClient();

        // Each "x" is 2 source tokens and may generate the scripted model's default 32: 34 token steps.
        (await client.PostAsJsonAsync("/translate", new { texts = new[] { "x", "x" } })).StatusCode.Should().Be(HttpStatusCode.OK);
        var refused = await client.PostAsJsonAsync("/translate", new { texts = new[] { "x", "x", "x" } });

        refused.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        var detail = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        detail.Should().Contain("first 3 of 3 text(s) is already 102 token steps").And.Contain("at most 100 per request");
        (await client.PostAsJsonAsync("/translate", new { texts = new[] { "x", "x", "x" }, options = new { max_new_tokens = 8 } }))
            .StatusCode.Should().Be(HttpStatusCode.OK, "fewer new tokens make it cheap enough");
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1)]
    public void A_deepl_size_request_at_eight_beams_fits_the_default_limits(int texts)
    {
        using var factory = new ServiceFactory();
        var model = factory.Services.GetRequiredService<IModelCatalog>().Default;
        var limits = factory.Services.GetRequiredService<IOptions<RequestLimitsOptions>>().Value;
        var queue = factory.Services.GetRequiredService<IOptions<QueueOptions>>().Value;
        var sentences = File.ReadAllLines(Path.Combine(Bundles.RepoRoot, "tests", "Seq2Seq.Inference.Tests", "Data", "sentences.en.txt"));
        var bodies = DeepLSizeTexts(sentences, texts, 128 * 1024);
        var settings = model.Defaults with { NumBeams = limits.MaxBeams };

        var work = bodies.Sum(text => WorkEstimate.Of(InputSegmenter.Split(text, model, model.Splitting,
            tokens => model.LengthGuard!.Limit(tokens, settings.MaxNewTokens)).Segments, settings));

        bodies.Sum(t => System.Text.Encoding.UTF8.GetByteCount(t)).Should().BeInRange(126 * 1024, 128 * 1024);
        bodies.Should().OnlyContain(t => t.Length <= limits.MaxTextLength);
        work.Should().BeLessThanOrEqualTo(limits.MaxRequestWork);
        work.Should().BeLessThanOrEqualTo((long)(queue.MaxQueuedWork * QueueOptions.LargeRequestShare),
            "two such requests leave the rest of the queue to short ones");
    }

    /// <summary><paramref name="count"/> texts of whole sentences, together just under <paramref name="bytes"/> of UTF-8.</summary>
    public static List<string> DeepLSizeTexts(IReadOnlyList<string> sentences, int count, int bytes)
    {
        var texts = new List<string>();
        var next = 0;
        for (var t = 0; t < count; t++)
        {
            var text = new System.Text.StringBuilder();
            while (System.Text.Encoding.UTF8.GetByteCount(text.ToString()) + sentences[next % sentences.Count].Length + 1 <= bytes / count)
            {
                text.Append(text.Length == 0 ? "" : " ").Append(sentences[next++ % sentences.Count]);
            }

            texts.Add(text.ToString());
        }

        return texts;
    }
}
