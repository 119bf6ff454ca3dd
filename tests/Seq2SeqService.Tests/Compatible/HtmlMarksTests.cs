using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Seq2SeqService.Application;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>
/// HTML through the compatible APIs on the real default model: a paragraph is translated as whole sentences, and an
/// inline element comes back around the target word the model's attention aligns with its source word.
/// </summary>
public sealed partial class HtmlMarksTests(HtmlMarksTests.Host host) : IClassFixture<HtmlMarksTests.Host>
{
    public sealed class Host : IDisposable
    {
        public ServiceFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }

    private HttpClient Client => host.Factory.CreateClient();

    public static TheoryData<string, string> Sentences => new()
    {
        { "The {0} car is fast.", "red" },
        { "She gave the {0} to her little brother.", "book" },
        { "I bought a new {0} in the city last year.", "house" },
    };

    [Theory]
    [MemberData(nameof(Sentences))]
    public async Task LibreTranslate_html_comes_back_as_the_plain_sentences_translation_with_the_element_around_one_translated_word(
        string sentence, string word)
    {
        var plain = await Libre(string.Format(sentence, word), "text");
        var html = await Libre($"<p>{string.Format(sentence, $"<b>{word}</b>")}</p>", "html");

        AssertCarried(html, plain, "b", word);
    }

    [Theory]
    [MemberData(nameof(Sentences))]
    public async Task DeepL_tag_handling_html_does_the_same(string sentence, string word)
    {
        var plain = await DeepL(string.Format(sentence, word), null);
        var html = await DeepL($"<p>{string.Format(sentence, $"<em class=\"x\">{word}</em>")}</p>", "html");

        AssertCarried(html, plain, "em class=\"x\"", word);
    }

    [Fact]
    public async Task Two_paragraphs_with_nested_elements_each_translate_as_their_plain_text()
    {
        var plain = await Libre("The big red car is fast.\nShe gave the book to her little brother.", "text");
        var html = await Libre(
            "<p>The <b>big <i>red</i></b> car is fast.</p>\n<p>She gave the book to her <a href=\"/b\">little brother</a>.</p>", "html");

        Tags().Replace(html, "").Should().Be(plain);
        html.Should().MatchRegex("^<p>[^<]*<b>[^<]+<i>[^<]+</i>[^<]*</b>[^<]*</p>\n<p>[^<]*<a href=\"/b\">[^<]+</a>[^<]*</p>$");
    }

    [Fact]
    public async Task DeepL_tag_handling_html_keeps_code_and_translate_no_as_written_in_sentences_translated_whole()
    {
        var plain = await DeepL("Run ls -la to list the files. The Blue River is very long.", null);
        const string kept = "<pre>The cat is sleeping.</pre>\n<div class=\"notranslate\"><p>The cat is <b>sleeping</b>.</p></div>";
        var html = await DeepL(
            "<p>Run <code>ls -la</code> to list the files. The <span translate=\"no\">Blue River</span> is very long.</p>\n" + kept, "html");

        html.Should().StartWith("<p>").And.EndWith("</p>\n" + kept);
        var paragraph = html[..^kept.Length];
        Regex.Matches(paragraph, "<code>ls -la</code>").Should().ContainSingle();
        Regex.Matches(paragraph, "<span translate=\"no\">Blue River</span>").Should().ContainSingle();

        // The kept text takes the place of the words the alignment put it on; every other word is the plain translation's.
        var words = Tags().Replace(paragraph.Replace("<code>ls -la</code>", "").Replace("<span translate=\"no\">Blue River</span>", ""), "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        words.Should().NotBeEmpty();
        var rest = plain.Split(' ').AsEnumerable();
        foreach (var word in words)
        {
            rest = rest.SkipWhile(w => w != word);
            rest.Should().NotBeEmpty($"'{word}' of '{paragraph}' comes in order from '{plain}'");
            rest = rest.Skip(1);
        }
    }

    [Fact]
    public async Task Marks_sent_to_the_service_change_no_candidate_and_bring_no_attention_unasked()
    {
        var service = host.Factory.Services.GetRequiredService<TranslationService>();
        string[] texts = ["The red car is fast. She gave the book to her little brother.", "I bought a new house."];
        var options = new GenerationOptions { NumReturnSequences = 2 };

        var plain = await service.TranslateAsync(new TranslationCommand(texts, Options: options), CancellationToken.None);
        var marked = await service.TranslateAsync(new TranslationCommand(texts, Options: options,
            Marks: [[new TextMark(4, 3, "b"), new TextMark(21, 40, "i")], [new TextMark(11, 3, "b")]]), CancellationToken.None);

        var candidates = marked.Result!.Texts.SelectMany(t => t.Candidates).ToList();
        candidates.Select(c => c.Text).Should().Equal(plain.Result!.Texts.SelectMany(t => t.Candidates).Select(c => c.Text));
        candidates.Should().OnlyContain(c => c.Attention == null);
        candidates.Select(c => c.Marks.Count).Should().Equal(2, 2, 1, 1);
        candidates.SelectMany(c => c.Marks).Should().OnlyContain(m => m.Length > 0);
    }

    private static void AssertCarried(string html, string plain, string tag, string word)
    {
        html.Should().StartWith("<p>").And.EndWith("</p>");
        Tags().Replace(html, "").Should().Be(plain, "the sentence is translated whole, as without markup");
        var name = tag.Split(' ')[0];
        var elements = Regex.Matches(html, $"<{Regex.Escape(tag)}>([^<]*)</{name}>");
        elements.Should().ContainSingle();
        var marked = elements[0].Groups[1].Value;
        marked.Should().NotBe(word).And.NotBeEmpty();
        plain.Split(' ').Should().Contain(w => w.StartsWith(marked, StringComparison.Ordinal), "the element holds a whole word");
    }

    private async Task<string> Libre(string q, string format)
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate", Json(new { q, source = "en", target = "fr", format }));
        status.Should().Be(HttpStatusCode.OK);
        return body.GetProperty("translatedText").GetString()!;
    }

    private async Task<string> DeepL(string text, string? tagHandling)
    {
        var content = tagHandling is null
            ? Json(new { text = new[] { text }, source_lang = "EN", target_lang = "FR" })
            : Json(new { text = new[] { text }, source_lang = "EN", target_lang = "FR", tag_handling = tagHandling });
        var (status, body, _) = await Client.PostAndReadAsync("/v2/translate", content);
        status.Should().Be(HttpStatusCode.OK);
        return body.GetProperty("translations")[0].GetProperty("text").GetString()!;
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}
