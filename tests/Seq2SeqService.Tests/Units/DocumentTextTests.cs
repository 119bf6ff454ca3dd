using Seq2SeqService.Documents;
using Seq2SeqService.Options;

namespace Seq2SeqService.Tests.Units;

/// <summary>Markdown read into whole paragraphs, and its protected spans whatever the model does with their placeholders.</summary>
public sealed class DocumentTextTests
{
    [Fact]
    public void A_placeholder_the_model_dropped_puts_its_span_at_the_end_of_the_paragraph()
    {
        var text = Markdown("Run `make` now.\n"u8.ToArray());

        text.Paragraphs.Should().Equal("Run {0} now.");
        text.Rebuild(["Lancez maintenant."]).Should().Be("Lancez maintenant. `make`\n");
        text.Rebuild(["Lancez {0} maintenant."]).Should().Be("Lancez `make` maintenant.\n");
    }

    [Fact]
    public void A_placeholder_never_repeats_text_the_paragraph_already_holds()
    {
        var text = Markdown("Use {0} and `x`.\n"u8.ToArray());

        text.Paragraphs.Should().Equal("Use {0} and {1}.");
        text.Rebuild(["Utilisez {0} et {1}."]).Should().Be("Utilisez {0} et `x`.\n");
    }

    [Fact]
    public void Paragraphs_without_words_are_kept_and_not_billed()
    {
        var text = Markdown("# `code()`\n\n---\n\n| a | b |\n\n!!!\n"u8.ToArray());

        text.Paragraphs.Should().BeEmpty();
        text.Characters.Should().Be(0);
        text.Rebuild([]).Should().Be("# `code()`\n\n---\n\n| a | b |\n\n!!!\n");
    }

    [Fact]
    public void A_sentence_wrapped_over_lines_is_one_paragraph_at_its_quote_depth()
    {
        var text = Markdown("> A quoted sentence\n> wrapped here.\n> > Deeper.\n- An item\n  that goes on.\n"u8.ToArray());

        text.Paragraphs.Should().Equal("A quoted sentence\nwrapped here.", "Deeper.", "An item\nthat goes on.");
        text.Rebuild(["Une citation.", "Plus loin.", "Un point."]).Should().Be("> Une citation.\n> > Plus loin.\n- Un point.\n");
    }

    private static DocumentText Markdown(byte[] file) => (DocumentText)DocumentFormat.Md.Parse(file, new DocumentOptions());
}
