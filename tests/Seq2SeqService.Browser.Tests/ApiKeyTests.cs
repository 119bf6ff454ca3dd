using Seq2SeqService.Browser.Tests.Infrastructure;

namespace Seq2SeqService.Browser.Tests;

/// <summary>With API keys configured, the page asks for one and keeps it in the tab's session only.</summary>
public sealed class ApiKeyTests : IAsyncLifetime
{
    private const string Key = "page-test-key-7f3a";
    private readonly Chromium _chromium = new();
    private readonly PageHost _host = new(new Dictionary<string, string?> { ["Service:Auth:ApiKeys:0:Key"] = Key });

    [Fact]
    public async Task A_refused_translation_asks_for_a_key_refuses_a_wrong_one_and_goes_through_with_the_right_one()
    {
        await using var session = await PageSession.OpenAsync(_chromium, _host);

        await session.TranslateAsync("Good morning.");
        (await session.IsShownAsync("key-form")).Should().BeTrue();
        (await session.EvaluateAsync<string>("document.activeElement.id")).Should().Be("key");
        (await session.IsShownAsync("result")).Should().BeFalse();

        await session.Page.Keyboard.TypeAsync("not-the-key");
        await session.WhileTranslatingAsync(() => session.Page.Keyboard.PressAsync("Enter"));
        (await session.IsShownAsync("key-form")).Should().BeTrue();
        (await session.TextOfAsync("key-reason")).Should().Contain("not accepted");

        await session.Page.Keyboard.TypeAsync(Key);
        await session.WhileTranslatingAsync(() => session.Page.Keyboard.PressAsync("Enter"));
        (await session.IsShownAsync("key-form")).Should().BeFalse();
        (await session.TextOfAsync("translation")).Should().NotBeEmpty();

        (await session.EvaluateAsync<string>("sessionStorage.getItem('seq2seq.apiKey')")).Should().Be(Key);
        (await session.EvaluateAsync<int>("localStorage.length")).Should().Be(0, "the key must not outlive the tab");
        session.Errors.Should().OnlyContain(e => e.Contains("the server responded with a status of 401"));
    }

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _host.DisposeAsync();
    }
}
