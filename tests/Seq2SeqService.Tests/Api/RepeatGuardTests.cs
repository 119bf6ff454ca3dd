using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>The repeat guard (docs/decoding.md#repeat-guard): on by default, and it ends the default model's loops.</summary>
public sealed class RepeatGuardTests
{
    /// <summary>The sentences whose beam-4 translations looped in the default model's card before the guard.</summary>
    private static readonly string[] CardLoops = ["Please allow me to go.", "Please handle it with the utmost care."];

    [Theory]
    [InlineData("\u2581S", "\u2581s")]
    [InlineData("\u2581pla\u00EEt", "\u2581plait")]
    [InlineData("\u2019", "'")]
    [InlineData("\u2581\u00C9T\u00C9", "\u2581ete")]
    [InlineData("\u2581vous", "\u2581vous")]
    public void Pieces_fold_without_case_accents_or_apostrophe_shape(string piece, string key) =>
        PieceFolding.Key(piece).Should().Be(key);

    [Fact]
    public async Task The_default_guard_is_reported_and_a_request_may_turn_it_off_or_is_told_its_range()
    {
        using var factory = new ServiceFactory();
        var client = factory.CreateClient();

        var models = JsonDocument.Parse(await client.GetStringAsync("/models")).RootElement;
        models.GetProperty("models")[0].GetProperty("generation_defaults").GetProperty("repeat_guard").GetInt32().Should().Be(3);

        (await client.PostAsJsonAsync("/translate", new { text = "Hello.", options = new { repeat_guard = 0 } }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        var refused = await client.PostAsJsonAsync("/translate", new { text = "Hello.", options = new { repeat_guard = 33 } });
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("repeat_guard");
    }

    [Fact]
    public async Task The_model_cards_looping_sentences_no_longer_repeat_a_phrase()
    {
        using var factory = new ServiceFactory();
        var client = factory.CreateClient();

        foreach (var sentence in CardLoops)
        {
            var guarded = await TextOfAsync(client, new { text = sentence, options = new { num_beams = 4 } });
            var unguarded = await TextOfAsync(client, new { text = sentence, options = new { num_beams = 4, repeat_guard = 0 } });

            RepeatedPhrase(guarded).Should().BeNull($"'{sentence}' came back as '{guarded}'");
            RepeatedPhrase(unguarded).Should().NotBeNull($"without the guard '{sentence}' loops ('{unguarded}')");
        }
    }

    /// <summary>Three folded words that occur twice in <paramref name="text"/> ("s il vous"), or null.</summary>
    private static string? RepeatedPhrase(string text)
    {
        var words = text.Split([' ', ',', '.', '!', '?', '\'', '\u2019'], StringSplitOptions.RemoveEmptyEntries).Select(PieceFolding.Key).ToArray();
        return Enumerable.Range(0, Math.Max(0, words.Length - 2)).Select(i => string.Join(' ', words[i..(i + 3)]))
            .GroupBy(p => p).FirstOrDefault(g => g.Count() > 1)?.Key;
    }

    private static async Task<string> TextOfAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/translate", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("translations")[0]
            .GetProperty("text").GetString()!;
    }
}
