using Seq2SeqService.Application;
using Seq2SeqService.Html;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>HTML's text runs with their inline elements as marks, and the marks written back as tags.</summary>
public sealed class InlineMarkupTests
{
    [Fact]
    public void Inline_elements_become_marks_of_one_run_and_block_tags_split_runs()
    {
        var blocks = InlineMarkup.Blocks(Markup.Split("<p>The <b>big <i>red</i></b> car &amp; <a href=\"x>y\">it</a>.</p><p>Next.</p>"));

        blocks.Select(b => b.Text).Should().Equal(null, "The big red car & it.", null, null, "Next.", null);
        blocks[1].Marks.Should().Equal(
            new TextMark(4, 7, new InlineTags("<b>", "</b>")),
            new TextMark(8, 3, new InlineTags("<i>", "</i>")),
            new TextMark(18, 2, new InlineTags("<a href=\"x>y\">", "</a>")));
        string.Concat(blocks.Select(b => b.Raw)).Should().Be(
            "<p>The <b>big <i>red</i></b> car &amp; <a href=\"x>y\">it</a>.</p><p>Next.</p>", "every character is kept");
    }

    [Theory]
    [InlineData("a <b>b <i>c</b> d</i> e")]
    [InlineData("a <b>b <br> c</b> d")]
    [InlineData("a <b>b c d")]
    [InlineData("a b</b> c")]
    [InlineData("a <span class=\"icon\"></span> b")]
    [InlineData("a <b>b <img src=x> c</b> d")]
    public void Tags_that_do_not_pair_around_text_within_a_run_split_it_and_stay_where_they_are(string html)
    {
        var blocks = InlineMarkup.Blocks(Markup.Split(html));

        blocks.Should().OnlyContain(b => b.Marks.Count == 0);
        blocks.Count(b => b.Text is null).Should().BeGreaterThan(0);
        string.Concat(blocks.Select(b => b.Raw)).Should().Be(html);
    }

    [Theory]
    [InlineData("<p>Run <code>a &lt; <b>b</b></code> now.</p>", "<code>", "a &lt; <b>b</b>")]
    [InlineData("<p>The <span class=\"x notranslate\">Blue <i>River</i></span> is long.</p>", "<span class=\"x notranslate\">", "Blue <i>River</i>")]
    [InlineData("<p>The <a translate=NO href=/r>Blue River</a> is long.</p>", "<a translate=NO href=/r>", "Blue River")]
    public void An_inline_element_kept_from_translation_is_one_mark_holding_its_content_as_written(string html, string open, string content)
    {
        var blocks = InlineMarkup.Blocks(Markup.Split(html));

        var run = blocks.Should().ContainSingle(b => b.Text != null).Which;
        run.Marks.Should().ContainSingle().Which.Mark.Should().Be(new InlineTags(open, $"</{open[1..open.IndexOfAny([' ', '>'])]}>", content));
        InlineMarkup.Render(run.Text!, run.Marks).Should().Be(run.Raw);
        string.Concat(blocks.Select(b => b.Raw)).Should().Be(html);
    }

    [Theory]
    [InlineData("<pre>The <b>cat</b>\n sleeps.</pre>")]
    [InlineData("<div translate=\"no\"><div>The cat</div> sleeps.</div>")]
    [InlineData("<textarea>The cat sleeps.")]
    [InlineData("<p class='notranslate'>The cat <code>sleeps</code>.</p>")]
    public void A_block_kept_from_translation_is_one_piece_of_markup_up_to_its_matching_end(string kept)
    {
        var html = $"<p>One.</p>{kept}<p>Two.</p>";

        var blocks = InlineMarkup.Blocks(Markup.Split(html));

        blocks.Where(b => b.Text != null).Select(b => b.Text).Should().Equal(kept.StartsWith("<textarea") ? ["One."] : ["One.", "Two."]);
        blocks.Should().Contain(b => b.IsKept && b.Raw.StartsWith(kept, StringComparison.Ordinal));
        string.Concat(blocks.Select(b => b.Raw)).Should().Be(html);
    }

    [Fact]
    public void Thousands_of_nested_elements_are_one_run_and_render_back_as_written()
    {
        var html = string.Concat(Enumerable.Repeat("<b>", 3000)) + "word" + string.Concat(Enumerable.Repeat("</b>", 3000));

        var blocks = InlineMarkup.Blocks(Markup.Split(html));

        blocks.Should().ContainSingle().Which.Marks.Should().HaveCount(3000).And.OnlyContain(m => m.Start == 0 && m.Length == 4);
        InlineMarkup.Render("word", blocks[0].Marks).Should().Be(html);
    }

    [Fact]
    public void Rendering_puts_nested_and_equal_ranges_back_outer_first_and_escapes_the_text()
    {
        var b = new InlineTags("<b>", "</b>");
        var i = new InlineTags("<i>", "</i>");
        var a = new InlineTags("<a href=\"#\">", "</a>");

        var html = InlineMarkup.Render("x < y & z",
            [new TextMark(0, 5, b), new TextMark(4, 1, i), new TextMark(4, 1, a), new TextMark(8, 1, i)]);

        html.Should().Be("<b>x &lt; <i><a href=\"#\">y</a></i></b> &amp; <i>z</i>");
    }
}
