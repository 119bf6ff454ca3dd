using System.Text.Json;
using System.Text.RegularExpressions;
using static Seq2SeqService.Tests.Documents.DocumentTools;

namespace Seq2SeqService.Tests.Documents;

/// <summary>
/// Files written by python3-docx, python3-openpyxl and pandoc, translated by the default English→French model through
/// DeepL's document calls, and read back by the same tools (Python's own HTML parser for HTML): same structure,
/// French text, numbers, formulas and style sheets untouched.
/// </summary>
public sealed class FormatRoundTripTests(FormatRoundTripTests.Host host) : IClassFixture<FormatRoundTripTests.Host>
{
    public sealed class Host : IDisposable
    {
        public DocumentHost Documents { get; } = new(defaultModel: true);

        public void Dispose() => Documents.Dispose();
    }

    [Fact]
    public async Task Docx_body_headings_lists_tables_header_footer_and_title_come_back_french_in_the_same_structure()
    {
        var (before, after) = await RoundTripAsync("report.docx");
        Styles(after).Should().Equal(Styles(before));
        Texts(after.GetProperty("paragraphs"), "text").Should().HaveSameCount(Texts(before.GetProperty("paragraphs"), "text"));
        ShouldBeFrench(Texts(after.GetProperty("paragraphs"), "text"), Texts(before.GetProperty("paragraphs"), "text"));
        var (cellsBefore, cellsAfter) = (Cells(before), Cells(after));
        cellsAfter.Should().HaveSameCount(cellsBefore);
        cellsAfter[^1].Should().Be("42");
        ShouldBeFrench(cellsAfter[..^1], cellsBefore[..^1]);
        ShouldBeFrench(Texts(after.GetProperty("header")), Texts(before.GetProperty("header")));
        ShouldBeFrench(Texts(after.GetProperty("footer")), Texts(before.GetProperty("footer")));
        ShouldBeFrench([after.GetProperty("title").GetString()!], [before.GetProperty("title").GetString()!]);
    }

    [Fact]
    public async Task Docx_bold_and_italic_words_stay_bold_and_italic_on_the_words_they_translate_to()
    {
        var (_, translated) = await RoundTripAsync("report.docx");

        // "I have a **big** dog and a *small* cat."
        var runs = translated.GetProperty("paragraphs")[1].GetProperty("runs").EnumerateArray().ToList();
        string Words(string format) => string.Join(" ", runs.Where(r => r.GetProperty(format).GetBoolean()).Select(r => r.GetProperty("text").GetString()!.Trim()));
        var all = string.Concat(runs.Select(r => r.GetProperty("text").GetString()));
        Words("bold").Should().MatchRegex("^(grand|grande|gros|grosse)$", all);
        Words("italic").Should().MatchRegex("^(petit|petite)$", all);
        runs.Where(r => !r.GetProperty("bold").GetBoolean() && !r.GetProperty("italic").GetBoolean())
            .Select(r => r.GetProperty("text").GetString()).Should().Contain(t => t!.Contains("chien"), all);
    }

    [Fact]
    public async Task Docx_footnote_reference_and_picture_inside_a_sentence_stay_after_the_word_they_followed()
    {
        var (before, after) = await RoundTripAsync("notes.docx", "docx-notes");
        var paragraphs = Texts(after.GetProperty("paragraphs"));
        paragraphs.Should().HaveSameCount(Texts(before.GetProperty("paragraphs")));

        // "The cat[footnote 20] is sleeping on the sofa." and "My dog[picture] is sleeping in the garden."
        var note = paragraphs.Single(p => p.Contains("[footnote", StringComparison.Ordinal));
        var id = Regex.Match(note, @"\bchat\[footnote (-?\d+)\] \w", RegexOptions.IgnoreCase);
        id.Success.Should().BeTrue($"the reference should follow 'chat', not end the paragraph: '{note}'");
        ShouldBeFrench([after.GetProperty("footnotes").GetProperty(id.Groups[1].Value).GetString()!], ["Thank you very much."]);
        paragraphs.Should().ContainSingle(p => p.Contains("[picture]", StringComparison.Ordinal))
            .Which.Should().MatchRegex(@"(?i)\bchien\[picture\] \w");
    }

    [Fact]
    public async Task Docx_link_text_and_picture_title_and_description_are_translated_while_link_targets_and_field_codes_are_kept()
    {
        var (before, after) = await RoundTripAsync("notes.docx", "docx-notes");
        var (linksBefore, linksAfter) = (before.GetProperty("links")[0], after.GetProperty("links").EnumerateArray().ToList());
        linksAfter.Should().ContainSingle().Which.GetProperty("target").GetString().Should().Be("https://example.com/car");
        ShouldBeFrench([linksAfter[0].GetProperty("text").GetString()!], [linksBefore.GetProperty("text").GetString()!]);
        Texts(after.GetProperty("fields")).Should().Equal(Texts(before.GetProperty("fields"))).And.ContainMatch("TOC *");
        var (pictureBefore, pictureAfter) = (before.GetProperty("pictures")[0], after.GetProperty("pictures")[0]);
        ShouldBeFrench([pictureAfter.GetProperty("title").GetString()!, pictureAfter.GetProperty("descr").GetString()!],
            [pictureBefore.GetProperty("title").GetString()!, pictureBefore.GetProperty("descr").GetString()!]);
    }

    /// <summary>python3-openpyxl 3.0 writes inline strings; "xlsx-shared" is its workbook with a shared string table.</summary>
    [Theory]
    [InlineData("xlsx")]
    [InlineData("xlsx-shared")]
    public async Task Xlsx_inline_and_shared_strings_come_back_french_while_numbers_dates_formulas_and_sheet_names_are_untouched(string kind)
    {
        var (book, translatedBook) = await RoundTripAsync("prices.xlsx", kind);
        var (before, after) = (book.GetProperty("sheets"), translatedBook.GetProperty("sheets"));
        after.EnumerateObject().Select(s => s.Name).Should().Equal("Prices", "Notes");
        var prices = after.GetProperty("Prices");
        prices.GetProperty("A2").GetDouble().Should().Be(12.5);
        prices.GetProperty("A3").GetInt32().Should().Be(30);
        prices.GetProperty("A4").GetString().Should().Be("=A2*A3");
        prices.GetProperty("A5").GetString().Should().Be(before.GetProperty("Prices").GetProperty("A5").GetString());
        foreach (var (sheet, cell) in new[] { ("Prices", "A1"), ("Prices", "B1"), ("Prices", "B2"), ("Notes", "A1") })
        {
            ShouldBeFrench([after.GetProperty(sheet).GetProperty(cell).GetString()!], [before.GetProperty(sheet).GetProperty(cell).GetString()!]);
        }
    }

    [Fact]
    public async Task Xlsx_comments_and_chart_titles_come_back_french_and_the_charted_numbers_untouched()
    {
        var (before, after) = await RoundTripAsync("prices.xlsx", "xlsx-notes");
        var (chartBefore, chartAfter) = (Texts(before.GetProperty("charts")[0]), Texts(after.GetProperty("charts")[0]));
        ShouldBeFrench(chartAfter, chartBefore);
        ShouldBeFrench([after.GetProperty("comments").GetProperty("A1").GetString()!], [before.GetProperty("comments").GetProperty("A1").GetString()!]);
        var (cellsBefore, cellsAfter) = (before.GetProperty("sheets").GetProperty("Prices"), after.GetProperty("sheets").GetProperty("Prices"));
        foreach (var cell in new[] { "B2", "B3", "B4", "B5" })
        {
            cellsAfter.GetProperty(cell).GetInt32().Should().Be(cellsBefore.GetProperty(cell).GetInt32());
        }
    }

    [Fact]
    public async Task Pptx_slides_titles_tables_and_notes_come_back_french_with_the_same_slides()
    {
        var (before, after) = await RoundTripAsync("holidays.pptx");
        var (slidesBefore, slidesAfter) = (before.GetProperty("slides").EnumerateArray().ToList(), after.GetProperty("slides").EnumerateArray().ToList());
        slidesAfter.Should().HaveSameCount(slidesBefore);
        for (var i = 0; i < slidesBefore.Count; i++)
        {
            slidesAfter[i].GetProperty("tables").GetInt32().Should().Be(slidesBefore[i].GetProperty("tables").GetInt32());
            var (textsBefore, textsAfter) = (Texts(slidesBefore[i].GetProperty("texts")), Texts(slidesAfter[i].GetProperty("texts")));
            textsAfter.Should().HaveSameCount(textsBefore);
            ShouldBeFrench(textsAfter.Where(t => t.Length > 0).ToList(), textsBefore.Where(t => t.Length > 0).ToList());
        }

        var (notesBefore, notesAfter) = (Texts(before.GetProperty("notes")[0]), Texts(after.GetProperty("notes")[0]));
        notesAfter[^1].Should().Be(notesBefore[^1], "the slide number field is kept");
        ShouldBeFrench(notesAfter[..^1], notesBefore[..^1]);
    }

    [Fact]
    public async Task Html_headings_paragraphs_list_items_cells_and_title_come_back_french_with_emphasis_on_the_aligned_words_and_styles_untouched()
    {
        var (before, after) = await RoundTripAsync("holidays.html");
        Texts(after.GetProperty("blocks"), "tag").Should().Equal(Texts(before.GetProperty("blocks"), "tag"));
        ShouldBeFrench(Texts(after.GetProperty("blocks"), "text"), Texts(before.GetProperty("blocks"), "text"));
        Texts(after.GetProperty("styles")).Should().Equal(Texts(before.GetProperty("styles"))).And.NotBeEmpty();

        // "I have a <strong>big</strong> dog and a <em>small</em> cat."
        Texts(after.GetProperty("emphasis"), "tag").Should().Equal("strong", "em");
        var words = Texts(after.GetProperty("emphasis"), "text");
        words[0].Should().MatchRegex("^(grand|grande|gros|grosse)$");
        words[1].Should().MatchRegex("^(petit|petite)$");
    }

    [Fact]
    public async Task Odt_headings_paragraphs_list_items_and_cells_come_back_french_with_emphasis_on_the_aligned_words()
    {
        var (before, after) = await RoundTripAsync("holidays.odt");
        Texts(after.GetProperty("blocks"), "tag").Should().Equal(Texts(before.GetProperty("blocks"), "tag"));
        ShouldBeFrench(Texts(after.GetProperty("blocks"), "text"), Texts(before.GetProperty("blocks"), "text"));
        Texts(after.GetProperty("emphasis"), "tag").Should().Equal("strong", "em");
        Texts(after.GetProperty("emphasis"), "text")[0].Should().MatchRegex("^(grand|grande|gros|grosse)$");
    }

    [Fact]
    public async Task Odp_pages_and_notes_come_back_french_with_the_bold_span_on_the_aligned_word()
    {
        var (before, after) = await RoundTripAsync("holidays.odp");
        var (pagesBefore, pagesAfter) = (before.GetProperty("pages").EnumerateArray().ToList(), after.GetProperty("pages").EnumerateArray().ToList());
        pagesAfter.Should().HaveSameCount(pagesBefore);
        for (var i = 0; i < pagesBefore.Count; i++)
        {
            ShouldBeFrench(Texts(pagesAfter[i]), Texts(pagesBefore[i]));
        }

        ShouldBeFrench(Texts(after.GetProperty("notes")[0]), Texts(before.GetProperty("notes")[0]));
        Texts(after.GetProperty("bold")).Should().ContainSingle().Which.Should().MatchRegex("^(grand|grande|gros|grosse)$");
    }

    [Fact]
    public async Task Epub_chapters_table_of_contents_and_title_come_back_french_in_the_same_structure()
    {
        var (before, after) = await RoundTripAsync("holidays.epub");

        Texts(after.GetProperty("blocks"), "tag").Should().Equal(Texts(before.GetProperty("blocks"), "tag"));
        ShouldBeFrench(Texts(after.GetProperty("blocks"), "text").Where(t => t.Length > 0).ToList(),
            Texts(before.GetProperty("blocks"), "text").Where(t => t.Length > 0).ToList());
        ShouldBeFrench(Texts(after.GetProperty("toc")), Texts(before.GetProperty("toc")));
        ShouldBeFrench(Texts(after.GetProperty("title")), Texts(before.GetProperty("title")));
    }

    /// <summary>A file made by its tool, translated into French through DeepL's calls; both as the tool reads them.</summary>
    private async Task<(JsonElement Before, JsonElement After)> RoundTripAsync(string fileName, string? kind = null)
    {
        kind ??= Path.GetExtension(fileName)[1..];
        var source = Make(kind);
        var translated = await host.Documents.DeepLTranslateAsync(fileName, source, "FR");
        return (Read(kind, source), Read(kind, translated));
    }

    /// <summary>Each text translated: no longer the source, and French; a word or two may stay the same.</summary>
    private static void ShouldBeFrench(IReadOnlyList<string> translations, IReadOnlyList<string> sources)
    {
        translations.Should().HaveSameCount(sources).And.NotBeEmpty();
        for (var i = 0; i < sources.Count; i++)
        {
            IsFrenchFor(translations[i], sources[i]).Should().BeTrue($"'{translations[i]}' should be the French of '{sources[i]}'");
        }
    }

    private static List<string> Texts(JsonElement items, string? property = null) =>
        items.EnumerateArray().Select(i => (property is null ? i : i.GetProperty(property)).GetString()!).ToList();

    private static List<string> Styles(JsonElement document) => Texts(document.GetProperty("paragraphs"), "style");

    private static List<string> Cells(JsonElement document) =>
        document.GetProperty("tables").EnumerateArray().SelectMany(t => t.EnumerateArray()).SelectMany(r => Texts(r)).ToList();
}
