using Seq2SeqService.Application;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Units;

public sealed class SegmentationTests
{
    [Fact]
    public void Splits_after_terminal_punctuation_and_line_breaks_keeping_separators()
    {
        SentenceSplitter.Split("Hello there. \"Really?\" Yes!\nNew line 3.5 stays")
            .Should().Equal(("Hello there.", " "), ("\"Really?\"", " "), ("Yes!", "\n"), ("New line 3.5 stays", ""));
    }

    [Theory]
    [InlineData("Hello. ... World.", new[] { "Hello.", "... World." })]
    [InlineData("!!! ??? Hi there. Bye.", new[] { "!!! ??? Hi there.", "Bye." })]
    [InlineData("1. Buy milk.\n2. Buy bread.", new[] { "1. Buy milk.", "2. Buy bread." })]
    [InlineData("Done. ... !!", new[] { "Done. ... !!" })]
    [InlineData(". . . . .", new[] { ". . . . ." })]
    public void Pieces_without_letters_join_a_neighbour(string text, string[] expected)
    {
        SentenceSplitter.Split(text).Select(s => s.Sentence).Should().Equal(expected);
    }

    [Fact]
    public void Five_thousand_full_stops_are_one_segment_refused_as_too_long_not_five_thousand_rows()
    {
        var text = string.Concat(Enumerable.Repeat(". ", 5000));

        SentenceSplitter.Split(text).Should().ContainSingle();
        var act = () => InputSegmenter.Split(text, new ScriptedModel(maxInputTokens: 16));
        act.Should().Throw<SentenceTooLongException>().WithMessage("Sentence 1 of 1 has *");
    }

    [Fact]
    public void A_text_that_fits_is_one_segment_even_with_several_sentences()
    {
        var segments = InputSegmenter.Split("One. Two.", new ScriptedModel(maxInputTokens: 16));
        segments.Should().ContainSingle().Which.Text.Should().Be("One. Two.");
    }

    [Fact]
    public void A_long_text_is_split_into_sentences_that_each_fit()
    {
        var model = new ScriptedModel(maxInputTokens: 4);
        var segments = InputSegmenter.Split("a b c. d e f.  g h.", model);

        segments.Select(s => (s.Text, s.Separator)).Should().Equal(("a b c.", " "), ("d e f.", "  "), ("g h.", ""));
        segments.Should().OnlyContain(s => s.InputIds.Count <= 4);
    }

    [Fact]
    public void A_sentence_that_alone_is_too_long_names_the_limit()
    {
        var act = () => InputSegmenter.Split("a b. c d e f g h.", new ScriptedModel(maxInputTokens: 4));
        act.Should().Throw<SentenceTooLongException>()
            .WithMessage("Sentence 2 of 2 has 7 tokens; model 'scripted' accepts at most 4 tokens*");
    }

    [Fact]
    public void Rejoins_segment_outputs_with_the_source_separators()
    {
        var segments = new[] { new Segment("A.", [1, 0], " "), new Segment("B.", [2, 0], "\n"), new Segment("C.", [3, 0], "") };
        var outputs = new[]
        {
            new SequenceOutput([new Candidate("a.", FinishReason.Eos, 2)]),
            new SequenceOutput([new Candidate("b.", FinishReason.Length, 3)]),
            new SequenceOutput([new Candidate("c.", FinishReason.Eos, 2)]),
        };

        var translations = TranslationAssembler.Assemble([2, 1], segments, outputs);

        translations.Should().HaveCount(2);
        translations[0].InputTokens.Should().Be(4);
        translations[0].Candidates.Should().ContainSingle()
            .Which.Should().Be(new TranslationCandidate("a. b.", FinishReason.Length, 5));
        translations[1].Candidates.Should().ContainSingle().Which.Text.Should().Be("c.");
    }
}
