using System.Net.Http.Json;
using System.Text.Json;
using Seq2SeqService.Browser.Tests.Infrastructure;

namespace Seq2SeqService.Browser.Tests;

/// <summary>A person translates on the page at GET /, with the real default model.</summary>
[Collection(DefaultModelCollection.Name)]
public sealed class TranslatePageTests(DefaultModelPage fixture)
{
    private const string Sentence = "The cat is sleeping on the sofa.";

    [Fact]
    public async Task Typing_English_and_pressing_Translate_shows_the_French_translation()
    {
        await using var session = await fixture.OpenAsync();

        await session.TranslateAsync(Sentence);

        var api = await TranslateViaApiAsync(new { text = Sentence });
        var shown = await session.TextOfAsync("translation");
        shown.Should().Be(api.GetProperty("text").GetString());
        shown.Should().Contain("chat", "the French for 'cat' is 'chat'");
        (await session.EvaluateAsync<string>("document.getElementById('translation').lang")).Should().Be("fr");
        (await session.IsShownAsync("error")).Should().BeFalse();
        (await session.IsShownAsync("alternatives-block")).Should().BeFalse();
        (await session.EvaluateAsync<bool>("document.getElementById('attention-field').hidden")).Should()
            .BeFalse("the default model outputs cross_attentions, so the page offers the heatmap");
        (await session.IsShownAsync("heatmap")).Should().BeTrue("the heatmap checkbox is on by default");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Timings_and_token_counts_are_shown_beside_the_translation()
    {
        await using var session = await fixture.OpenAsync();

        await session.TranslateAsync(Sentence);

        var api = await TranslateViaApiAsync(new { text = Sentence });
        var meta = await session.TextOfAsync("meta");
        meta.Should().MatchRegex(@"queue [\d.]+ ms · encode [\d.]+ ms · decode [\d.]+ ms");
        meta.Should().Contain($"{api.GetProperty("input_tokens").GetInt32()} → {api.GetProperty("output_tokens").GetInt32()} tokens");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Ctrl_Enter_translates_from_the_keyboard_alone()
    {
        await using var session = await fixture.OpenAsync();

        await TabToAsync(session, "source");
        await session.Page.Keyboard.TypeAsync(Sentence);
        await session.WhileTranslatingAsync(async () =>
        {
            await session.Page.Keyboard.DownAsync("Control");
            await session.Page.Keyboard.PressAsync("Enter");
            await session.Page.Keyboard.UpAsync("Control");
        });

        (await session.TextOfAsync("translation")).Should().Contain("chat");
        (await session.EvaluateAsync<string>("document.getElementById('source').value")).Should().Be(Sentence,
            "Ctrl+Enter translates; it must not add a line break to the text");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task More_beams_and_candidates_in_the_options_panel_show_the_alternatives()
    {
        await using var session = await fixture.OpenAsync();
        await session.TypeSourceAsync(Sentence);

        await session.Page.ClickAsync("#options summary");
        await session.SetFieldAsync("beams", "5");
        await session.SetFieldAsync("candidates", "3");
        await session.PressTranslateAsync();

        var api = await TranslateViaApiAsync(new { text = Sentence, options = new { num_beams = 5, num_return_sequences = 3 } });
        var expected = api.GetProperty("alternatives").EnumerateArray().Select(a => a.GetProperty("text").GetString()).ToList();
        var shown = await session.EvaluateAsync<string[]>(
            "[...document.querySelectorAll('#alternatives li')].map(li => li.textContent)");
        (await session.IsShownAsync("alternatives-block")).Should().BeTrue();
        shown.Should().HaveCount(2).And.Equal(expected);
        shown.Should().NotContain(await session.TextOfAsync("translation"));
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Sampling_with_a_seed_gives_the_candidates_the_API_gives_for_that_seed()
    {
        await using var session = await fixture.OpenAsync();
        await session.TypeSourceAsync(Sentence);

        await session.Page.ClickAsync("#options summary");
        await session.Page.ClickAsync("#sample");
        (await session.EvaluateAsync<bool>("document.getElementById('beams').disabled")).Should().BeTrue();
        await session.SetFieldAsync("candidates", "3");
        await session.SetFieldAsync("seed", "7");
        await session.PressTranslateAsync();

        var api = await TranslateViaApiAsync(new
        {
            text = Sentence,
            options = new { do_sample = true, temperature = 1.0, seed = 7, num_return_sequences = 3 },
        });
        (await session.TextOfAsync("translation")).Should().Be(api.GetProperty("text").GetString());
        (await session.EvaluateAsync<int>("document.querySelectorAll('#alternatives li').length")).Should().Be(2);
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task A_sentence_the_model_is_unsure_of_is_shaded_and_the_shade_is_explained()
    {
        const string text = "The cat is sleeping on the sofa.\nasdf qwer zxcv.";
        await using var session = await fixture.OpenAsync();

        await session.TranslateAsync(text);

        var api = await TranslateViaApiAsync(new { text, options = new { return_scores = true } });
        var sentences = api.GetProperty("scores").GetProperty("sentences").EnumerateArray().ToList();
        sentences.Should().HaveCount(2);
        var expected = sentences.Where(s => s.GetProperty("mean_log_prob").GetDouble() < -0.7)
            .Select(s => s.GetProperty("text").GetString()).ToList();
        expected.Should().ContainSingle("the letters without words are the doubtful sentence")
            .Which.Should().Be(sentences[1].GetProperty("text").GetString());
        (await session.EvaluateAsync<string[]>("[...document.querySelectorAll('#translation .doubtful')].map(e => e.textContent)"))
            .Should().Equal(expected);
        (await session.TextOfAsync("translation")).Should().Be(api.GetProperty("text").GetString(), "shading leaves the text as it is");
        (await session.IsShownAsync("doubtful-note")).Should().BeTrue();
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task A_long_text_arrives_on_the_page_sentence_by_sentence_through_a_fetch_stream()
    {
        var sentences = Enumerable.Range(0, 8).Select(i => (i % 3) switch
        {
            0 => "The cat is sleeping on the sofa.",
            1 => "We are going to the beach.",
            _ => "My brother will bring his dog.",
        }).ToList();
        var text = string.Join(" ", sentences);
        await using var session = await fixture.OpenAsync();
        await session.EvaluateAsync<bool>($"(document.getElementById('source').value = {System.Text.Json.JsonSerializer.Serialize(text)}, true)");
        // Counts the sentences the page appends one by one, before the final answer replaces them.
        await session.EvaluateAsync<bool>(
            "(window.appended = 0, new MutationObserver(records => { for (const r of records) " +
            "{ if (r.removedNodes.length === 0) { window.appended += [...r.addedNodes].filter(n => n.nodeName === 'SPAN').length; } } })" +
            ".observe(document.getElementById('translation'), { childList: true }), true)");

        var answer = await session.PressTranslateAsync();

        answer.Headers["content-type"].Should().StartWith("text/event-stream");
        (await session.EvaluateAsync<int>("window.appended")).Should().Be(8, "each sentence event adds its sentence");
        var api = await TranslateViaApiAsync(new { text });
        (await session.TextOfAsync("translation")).Should().Be(api.GetProperty("text").GetString());
        (await session.TextOfAsync("status")).Should().Be("Done.");
        session.Errors.Should().BeEmpty();
    }

    private static async Task TabToAsync(PageSession session, string id)
    {
        for (var presses = 0; presses < 20; presses++)
        {
            if (await session.EvaluateAsync<string>("document.activeElement?.id ?? ''") == id)
            {
                return;
            }

            await session.Page.Keyboard.PressAsync("Tab");
        }

        throw new InvalidOperationException($"#{id} is not reachable with Tab.");
    }

    private async Task<JsonElement> TranslateViaApiAsync(object request)
    {
        using var response = await fixture.Host.Api.PostAsJsonAsync("/translate", request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("translations")[0];
    }
}
