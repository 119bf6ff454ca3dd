using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seq2SeqService.Tests.Compatible;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Api;

/// <summary>Texts are cut into sentences on every API, and come back laid out as they were sent.</summary>
public sealed class SegmentationApiTests
{
    private const string Layout = "Shopping list:\r\n\r\n  - Buy bread. Call mom!\r\n  2. Feed the cat\n\n\tThe end.  ";

    /// <summary>The scripted model marks each sentence it gets with &lt;0&gt;: the layout must come back around them.</summary>
    private const string Expected = "<0>Shopping list:\r\n\r\n  - <0>Buy bread. <0>Call mom!\r\n  2. <0>Feed the cat\n\n\t<0>The end.  ";

    [Fact]
    public async Task Lists_blank_lines_indentation_and_crlf_come_back_on_all_three_apis()
    {
        using var factory = CompatibleHost.Create();
        var client = factory.CreateClient();

        var native = await client.PostAndReadAsync("/translate", Json(new { text = Layout, model = "en-xx" }));
        var libre = await client.PostAndReadAsync("/translate", Json(new { q = Layout, source = "en", target = "xx" }));
        var deepl = await client.PostAndReadAsync("/v2/translate", Form(("text", Layout), ("source_lang", "EN"), ("target_lang", "XX")));

        native.Status.Should().Be(HttpStatusCode.OK);
        native.Body.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be(Expected);
        libre.Body.GetProperty("translatedText").GetString().Should().Be(Expected);
        deepl.Body.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be(Expected);
    }

    [Theory]
    [InlineData("nonewlines", "<0>Line one\nstill one. <0>Two.")]
    [InlineData("0", "<0>Line one\nstill one. Two.")]
    [InlineData("1", "<0>Line one\n<0>still one. <0>Two.")]
    public async Task Split_sentences_chooses_where_a_text_is_cut(string mode, string expected)
    {
        using var factory = CompatibleHost.Create();
        var (status, body, _) = await factory.CreateClient().PostAndReadAsync("/translate",
            Json(new { text = "Line one\nstill one. Two.", model = "en-xx", options = new { split_sentences = mode } }));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be(expected);
    }

    [Fact]
    public async Task Every_sentence_of_a_paragraph_is_translated_as_it_is_alone()
    {
        string[] sentences = ["The weather is nice today.", "We are going to the beach.", "My brother will bring his dog."];
        using var factory = new ServiceFactory();
        var client = factory.CreateClient();

        var alone = new List<string>();
        foreach (var sentence in sentences)
        {
            alone.Add(await TextOfAsync(client, new { text = sentence }));
        }

        var paragraph = await client.PostAsJsonAsync("/translate",
            new { text = string.Join(" ", sentences), options = new { return_scores = true } });
        paragraph.StatusCode.Should().Be(HttpStatusCode.OK);
        var translation = JsonDocument.Parse(await paragraph.Content.ReadAsStringAsync()).RootElement.GetProperty("translations")[0];
        translation.GetProperty("text").GetString().Should().Be(string.Join(" ", alone));
        var scores = translation.GetProperty("scores");
        scores.GetProperty("sentences").EnumerateArray().Select(s => (s.GetProperty("source").GetString(), s.GetProperty("text").GetString()))
            .Should().Equal(sentences.Zip(alone).Select(p => ((string?)p.First, (string?)p.Second)));
        scores.GetProperty("mean_log_prob").GetDouble().Should().BeNegative();
        scores.GetProperty("sentences").EnumerateArray().Should().OnlyContain(s => s.GetProperty("mean_log_prob").GetDouble() < 0);
    }

    [Fact]
    public async Task The_length_guard_stops_a_sentence_at_its_bound_and_an_explicit_max_new_tokens_replaces_it()
    {
        using var factory = new ServiceFactory(new Dictionary<string, string?>
        {
            ["Service:Models:Bundles:0:MaxLengthFactor"] = "0",
            ["Service:Models:Bundles:0:MaxLengthOffset"] = "2",
        });
        var client = factory.CreateClient();

        var guarded = await TranslationOfAsync(client, new { text = "The cat is sleeping on the sofa." });
        var explicitLimit = await TranslationOfAsync(client, new { text = "The cat is sleeping on the sofa.", options = new { max_new_tokens = 40 } });

        guarded.GetProperty("output_tokens").GetInt32().Should().Be(2);
        guarded.GetProperty("finish_reason").GetString().Should().Be("length");
        explicitLimit.GetProperty("finish_reason").GetString().Should().Be("eos");
    }

    private static async Task<string> TextOfAsync(HttpClient client, object body) =>
        (await TranslationOfAsync(client, body)).GetProperty("text").GetString()!;

    private static async Task<JsonElement> TranslationOfAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/translate", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("translations")[0].Clone();
    }
}
