using System.Text.Json;
using Seq2SeqService.Browser.Tests.Infrastructure;

namespace Seq2SeqService.Browser.Tests;

/// <summary>For a model that returns attention, the page asks for it and draws it under the translation.</summary>
public sealed class HeatmapTests : IClassFixture<AttentionPage>
{
    private readonly AttentionPage _fixture;

    public HeatmapTests(AttentionPage fixture) => _fixture = fixture;

    [Fact]
    public async Task The_heatmap_shows_the_weights_of_the_answer_one_row_per_target_token()
    {
        await using var session = await _fixture.OpenAsync();
        await session.Page.SelectAsync("#model", _fixture.ModelName);
        await session.Page.ClickAsync("#options summary");
        (await session.IsShownAsync("attention-field")).Should().BeTrue();

        var response = await session.TranslateAsync("The cat is sleeping on the sofa.");

        JsonDocument.Parse(response.Request.PostData.ToString()!).RootElement
            .GetProperty("options").GetProperty("return_attention").GetBoolean().Should().BeTrue();
        var attention = (await PageSession.AnswerAsync(response)).GetProperty("translations")[0].GetProperty("attention");
        var sources = Strings(attention.GetProperty("source_tokens"));
        var targets = Strings(attention.GetProperty("target_tokens"));
        var weights = attention.GetProperty("weights").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(w => w.GetDouble()).ToArray()).ToArray();

        (await session.IsShownAsync("heatmap")).Should().BeTrue();
        var columns = await session.EvaluateAsync<string[]>("[...document.querySelectorAll('#heatmap thead th')].map(c => c.title)");
        var rows = await session.EvaluateAsync<string[]>("[...document.querySelectorAll('#heatmap tbody th')].map(c => c.title)");
        columns.Should().Equal(sources);
        rows.Should().Equal(targets);

        var cells = await session.EvaluateAsync<string[][]>(
            "[...document.querySelectorAll('#heatmap tbody tr')].map(r => [...r.querySelectorAll('td')].map(c => c.dataset.weight))");
        var strongest = await session.EvaluateAsync<int[]>(
            "[...document.querySelectorAll('#heatmap tbody tr')].map(r => [...r.querySelectorAll('td')].findIndex(c => c.classList.contains('strongest')))");
        for (var i = 0; i < targets.Length; i++)
        {
            cells[i].Select(double.Parse).Should().Equal(weights[i], (shown, sent) => Math.Abs(shown - sent) < 0.0006);
            strongest[i].Should().Be(Array.IndexOf(weights[i], weights[i].Max()));
        }

        session.Errors.Should().BeEmpty();
        await session.SaveScreenshotAsync("web-page-heatmap.png");
    }

    [Fact]
    public async Task Turning_the_heatmap_off_stops_asking_for_attention()
    {
        await using var session = await _fixture.OpenAsync();
        await session.Page.SelectAsync("#model", _fixture.ModelName);
        await session.Page.ClickAsync("#options summary");
        await session.Page.ClickAsync("#attention");

        var response = await session.TranslateAsync("Good morning.");

        response.Request.PostData.ToString().Should().NotContain("return_attention");
        (await session.IsShownAsync("heatmap")).Should().BeFalse();
        (await session.TextOfAsync("translation")).Should().NotBeEmpty();
        session.Errors.Should().BeEmpty();
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
