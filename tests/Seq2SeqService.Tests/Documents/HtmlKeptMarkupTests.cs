using System.Text;
using System.Text.Json;
using static Seq2SeqService.Tests.Documents.DocumentTools;

namespace Seq2SeqService.Tests.Documents;

/// <summary>
/// A page and an EPUB that pandoc writes from Markdown with inline code, a code block, a comment, entities, attributes
/// in single quotes, both spellings of a line break and elements marked not to be translated, translated by the default
/// model through DeepL's document calls and read back by Python's HTML parser and pandoc (tests/fixtures/documents).
/// </summary>
public sealed class HtmlKeptMarkupTests(HtmlKeptMarkupTests.Host host) : IClassFixture<HtmlKeptMarkupTests.Host>
{
    public sealed class Host : IDisposable
    {
        private readonly Lazy<Task<(byte[] Source, byte[] Translated)>> _page;

        public Host() => _page = new(() => TranslateAsync("code.html"));

        public DocumentHost Documents { get; } = new(defaultModel: true);

        /// <summary>code.html and its French translation, made once for the tests that read it.</summary>
        public Task<(byte[] Source, byte[] Translated)> Page => _page.Value;

        public async Task<(byte[] Source, byte[] Translated)> TranslateAsync(string kind)
        {
            var source = Make(kind);
            return (source, await Documents.DeepLTranslateAsync(kind, source, "FR"));
        }

        public void Dispose() => Documents.Dispose();
    }

    private static readonly string[] KeptElements = ["code", "kbd", "samp", "var", "pre", "script", "style", "textarea"];

    private static readonly string[] TranslatedAttributes = ["alt", "title", "placeholder"];

    [Fact]
    public async Task Every_character_outside_the_translated_text_comes_back_as_it_was()
    {
        var (source, translated) = await host.Page;
        var (before, after) = (Read("markup", source), Read("markup", translated));

        after.GetProperty("before").GetString().Should().Be(before.GetProperty("before").GetString());
        var (piecesBefore, piecesAfter) = (before.GetProperty("pieces").EnumerateArray().ToList(), after.GetProperty("pieces").EnumerateArray().ToList());
        piecesAfter.Should().HaveSameCount(piecesBefore);
        var changed = 0;
        for (var i = 0; i < piecesBefore.Count; i++)
        {
            var (was, now) = (piecesBefore[i], piecesAfter[i]);
            var attributes = Attributes(was);
            if (attributes.Keys.Any(TranslatedAttributes.Contains))
            {
                Attributes(now).Where(a => !TranslatedAttributes.Contains(a.Key)).Should().Equal(attributes.Where(a => !TranslatedAttributes.Contains(a.Key)));
                foreach (var name in attributes.Keys.Where(TranslatedAttributes.Contains))
                {
                    IsFrenchFor(Attributes(now)[name], attributes[name]).Should().BeTrue($"{name} of {was.GetProperty("raw")} is translated");
                }
            }
            else
            {
                now.GetProperty("raw").GetString().Should().Be(was.GetProperty("raw").GetString());
            }

            var text = was.GetProperty("after").GetString()!;
            var open = was.GetProperty("open").EnumerateArray().Select(e => e.GetString()!).ToList();
            if (!text.Any(char.IsLetterOrDigit) || open.Any(e => KeptElements.Contains(e) || e.EndsWith(" translate=no", StringComparison.Ordinal)))
            {
                now.GetProperty("after").GetString().Should().Be(text, $"the text after {was.GetProperty("raw")} is not translated");
            }
            else if (now.GetProperty("after").GetString() != text)
            {
                changed++;
            }
        }

        changed.Should().BeGreaterThan(5, "the prose is translated");
    }

    [Fact]
    public async Task Inline_code_and_text_marked_not_to_be_translated_stay_as_written_inside_french_sentences()
    {
        var (source, translated) = await host.Page;
        var (before, after) = (Read("code.html", source), Read("code.html", translated));

        Texts(after, "kept").Should().Equal(Texts(before, "kept")).And.Contain(["ls -la", "Ctrl", "Acme Widget", "Blue River"]);
        AssertFrenchBlocksAroundKeptText(before, after);
    }

    [Fact]
    public async Task Epub_chapters_keep_inline_code_and_text_marked_not_to_be_translated_inside_french_sentences()
    {
        var (source, translated) = await host.TranslateAsync("code.epub");
        var (before, after) = (Read("code.epub", source), Read("code.epub", translated));

        Texts(after, "kept").Should().Equal(Texts(before, "kept")).And.Contain(["ls -la", "Ctrl", "Acme Widget", "Blue River"]);
        AssertFrenchBlocksAroundKeptText(before, after);
    }

    [Fact]
    public async Task A_page_in_another_encoding_comes_back_in_utf8_saying_so_and_otherwise_as_it_was()
    {
        const string page = "<!DOCTYPE html>\n<html><head><meta charset=\"iso-8859-1\"><meta name=\"author\" content=\"Zo\u00e9\"></head>\n" +
            "<body><p>The cat is sleeping on the sofa.</p><pre>na\u00efve</pre></body></html>\n";

        var translated = await host.Documents.DeepLTranslateAsync("page.html", Encoding.Latin1.GetBytes(page), "FR");

        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(translated);
        var paragraph = text.IndexOf("<p>", StringComparison.Ordinal) + 3;
        text[..paragraph].Should().Be(page[..(page.IndexOf("<p>", StringComparison.Ordinal) + 3)].Replace("iso-8859-1", "utf-8"));
        text[text.IndexOf("</p>", StringComparison.Ordinal)..].Should().Be(page[page.IndexOf("</p>", StringComparison.Ordinal)..]);
        IsFrenchFor(text[paragraph..text.IndexOf("</p>", StringComparison.Ordinal)], "The cat is sleeping on the sofa.").Should().BeTrue(text);
    }

    /// <summary>Each paragraph with text French, one paragraph as before, holding the kept words it held.</summary>
    private static void AssertFrenchBlocksAroundKeptText(JsonElement before, JsonElement after)
    {
        var (blocksBefore, blocksAfter) = (Texts(before, "blocks", "text"), Texts(after, "blocks", "text"));
        Texts(after, "blocks", "tag").Should().Equal(Texts(before, "blocks", "tag"));
        for (var i = 0; i < blocksBefore.Count; i++)
        {
            if (blocksBefore[i].Length == 0)
            {
                continue;
            }

            IsFrenchFor(blocksAfter[i], blocksBefore[i]).Should().BeTrue($"'{blocksAfter[i]}' should be the French of '{blocksBefore[i]}'");
            foreach (var kept in Texts(before, "kept").Where(k => blocksBefore[i].Contains(k, StringComparison.Ordinal)))
            {
                blocksAfter[i].Should().Contain(kept);
            }
        }
    }

    private static Dictionary<string, string> Attributes(JsonElement piece) =>
        piece.GetProperty("attrs").ValueKind == JsonValueKind.Array
            ? piece.GetProperty("attrs").EnumerateArray().ToDictionary(a => a[0].GetString()!, a => a[1].GetString() ?? "")
            : [];

    private static List<string> Texts(JsonElement document, string name, string? property = null) =>
        document.GetProperty(name).EnumerateArray().Select(i => (property is null ? i : i.GetProperty(property)).GetString()!).ToList();
}
