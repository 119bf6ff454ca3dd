using Seq2SeqService.Browser.Tests.Infrastructure;

namespace Seq2SeqService.Browser.Tests;

/// <summary>The API's refusals appear as sentences a person can act on, never as raw JSON.</summary>
[Collection(DefaultModelCollection.Name)]
public sealed class ErrorDisplayTests(DefaultModelPage fixture)
{
    [Fact]
    public async Task A_text_over_the_limit_shows_a_readable_message_and_the_next_translation_clears_it()
    {
        await using var session = await fixture.OpenAsync();
        var tooLong = string.Join(' ', Enumerable.Repeat("The cat sleeps.", 20)) + " Good night.";
        tooLong.Length.Should().BeGreaterThan(DefaultModelPage.MaxTextLength);

        await session.TypeSourceAsync(tooLong);
        (await session.EvaluateAsync<bool>("document.getElementById('count').classList.contains('over')")).Should().BeTrue();
        await session.PressTranslateAsync();

        (await session.IsShownAsync("error")).Should().BeTrue();
        (await session.EvaluateAsync<string>("document.getElementById('error').getAttribute('role')")).Should().Be("alert");
        var message = await session.TextOfAsync("error");
        message.Should().Contain("The request was not accepted")
            .And.Contain($"The text has {tooLong.Length} characters; at most {DefaultModelPage.MaxTextLength} are allowed.")
            .And.NotContain("{").And.NotContain("\"");
        (await session.IsShownAsync("result")).Should().BeFalse();

        await session.TranslateAsync("Good night.");
        (await session.IsShownAsync("error")).Should().BeFalse();
        (await session.TextOfAsync("translation")).Should().NotBeEmpty();
        OnlyTheRefusedRequestWasLogged(session, 400);
    }

    [Fact]
    public async Task An_option_the_service_refuses_is_named_as_the_page_labels_it()
    {
        await using var session = await fixture.OpenAsync();
        await session.TypeSourceAsync("Good morning.");

        await session.Page.ClickAsync("#options summary");
        await session.SetFieldAsync("beams", "50");
        await session.PressTranslateAsync();

        var message = await session.TextOfAsync("error");
        message.Should().MatchRegex(@"Beams must be an integer in \[1, \d+\]");
        message.Should().NotContain("options.num_beams");
        OnlyTheRefusedRequestWasLogged(session, 400);
    }

    /// <summary>Chromium itself logs every failed HTTP response as a console error; nothing else may appear.</summary>
    private static void OnlyTheRefusedRequestWasLogged(PageSession session, int status) =>
        session.Errors.Should().OnlyContain(e => e.Contains($"the server responded with a status of {status}"));
}
