using System.Text.Json;
using Seq2SeqService.Browser.Tests.Infrastructure;

namespace Seq2SeqService.Browser.Tests;

/// <summary>The page on a phone, from the keyboard, and for a screen reader.</summary>
[Collection(DefaultModelCollection.Name)]
public sealed class LayoutTests(DefaultModelPage fixture)
{
    [Theory]
    [InlineData(390, 844, "web-page-phone.png")]
    [InlineData(1100, 900, "web-page.png")]
    public async Task The_page_fits_the_screen_width_with_a_translation_and_its_candidates(int width, int height, string screenshot)
    {
        await using var session = await fixture.OpenAsync(width, height);
        await session.TypeSourceAsync("The cat is sleeping on the sofa.");
        await session.Page.ClickAsync("#options summary");
        await session.SetFieldAsync("candidates", "3");
        await session.PressTranslateAsync();

        (await session.IsShownAsync("alternatives-block")).Should().BeTrue();
        (await session.EvaluateAsync<int>("document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(width,
            "nothing may stick out sideways at this width");
        var buttonWidth = await session.EvaluateAsync<double>("document.getElementById('translate').getBoundingClientRect().width");
        buttonWidth.Should().BeGreaterThanOrEqualTo(44, "a finger must be able to hit it");
        session.Errors.Should().BeEmpty();
        await session.SaveScreenshotAsync(screenshot);
    }


    [Fact]
    public async Task Every_control_has_a_label_and_an_accessible_name()
    {
        await using var session = await fixture.OpenAsync();
        await session.Page.ClickAsync("#options summary");

        var unlabelled = await session.EvaluateAsync<string[]>(
            "[...document.querySelectorAll('input, select, textarea')]" +
            ".filter(e => e.getClientRects().length > 0 && e.labels.length === 0).map(e => e.id)");
        unlabelled.Should().BeEmpty();

        // Chromium's own accessibility tree: what a screen reader is told.
        var cdp = await session.Page.CreateCDPSessionAsync();
        var tree = await cdp.SendAsync<JsonElement>("Accessibility.getFullAXTree");
        var names = tree.GetProperty("nodes").EnumerateArray()
            .Where(n => !n.GetProperty("ignored").GetBoolean())
            .Select(n => (Role: Value(n, "role"), Name: Value(n, "name")))
            .Where(n => n.Role is "textbox" or "combobox" or "spinbutton" or "button" or "checkbox")
            .ToList();
        names.Should().Contain(("combobox", "Model"));
        names.Should().Contain(("button", "Translate"));
        names.Should().Contain(n => n.Role == "textbox" && n.Name.StartsWith("Text to translate (English)"));
        names.Should().Contain(("spinbutton", "Beams"));
        names.Should().OnlyContain(n => !string.IsNullOrWhiteSpace(n.Name));
    }

    [Fact]
    public async Task Keyboard_focus_is_visible_on_every_control()
    {
        await using var session = await fixture.OpenAsync();
        await session.Page.ClickAsync("#options summary");
        // A click on the heading puts the document, not a control, in focus; Tab goes on from there.
        await session.Page.ClickAsync("h1");

        var seen = new List<string>();
        for (var presses = 0; presses < 20 && !seen.Contains("translate"); presses++)
        {
            await session.Page.Keyboard.PressAsync("Tab");
            var (name, outline) = await FocusedAsync(session);
            seen.Add(name);
            outline.Should().NotBe("none", $"{name} must show where the keyboard focus is");
        }

        seen.Should().ContainInOrder("model", "source", "beams", "candidates", "sample", "translate");
    }

    [Fact]
    public async Task Text_has_at_least_the_contrast_WCAG_AA_asks_for()
    {
        await using var session = await fixture.OpenAsync();
        await session.TranslateAsync("Good night.");

        var ratios = await session.EvaluateAsync<Dictionary<string, double>>(ContrastScript);
        ratios.Should().NotBeEmpty();
        ratios.Should().OnlyContain(r => r.Value >= 4.5, "WCAG AA asks 4.5:1 for normal text");
    }

    private static async Task<(string Id, string Outline)> FocusedAsync(PageSession session)
    {
        var parts = await session.EvaluateAsync<string[]>(
            "(e => [e.id || `${e.tagName} ${e.textContent.trim()}`, getComputedStyle(e).outlineStyle])(document.activeElement)");
        return (parts[0], parts[1]);
    }

    private static string Value(JsonElement node, string property) =>
        node.TryGetProperty(property, out var p) && p.TryGetProperty("value", out var v) ? v.ToString() : "";

    /// <summary>The contrast ratio of each kind of text against the first opaque background behind it.</summary>
    private const string ContrastScript = """
        (() => {
          const rgb = (c) => c.match(/[\d.]+/g).map(Number);
          const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
            .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
          const background = (e) => {
            for (; e; e = e.parentElement) {
              const c = rgb(getComputedStyle(e).backgroundColor);
              if (c.length < 4 || c[3] === 1) return c;
            }
            return [255, 255, 255];
          };
          const ratio = (e) => {
            const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          };
          const picks = { heading: 'h1', label: 'label[for=source]', hint: '#source-help', link: '.top a',
                          button: '#translate', translation: '#translation', meta: '#meta', summary: '#options summary' };
          return Object.fromEntries(Object.entries(picks).map(([k, s]) => [k, ratio(document.querySelector(s))]));
        })()
        """;
}
