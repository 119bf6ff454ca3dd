using Seq2Seq.Inference.Generation;
using Seq2SeqService.Application;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Tests.Units;

/// <summary>
/// Marks moved by hand-made attention: each test writes which source piece each target piece attends to, and the
/// marks must land where that matrix sends them.
/// </summary>
public sealed class MarkCarrierTests
{
    private const string Eos = "</s>";

    [Theory]
    [InlineData(new[] { 0, 2, 1, 3, 4, 5 }, "rouge")]
    [InlineData(new[] { 0, 1, 2, 3, 4, 5 }, "voiture")]
    [InlineData(new[] { 0, 2, 3, 1, 4, 5 }, "est")]
    public void A_mark_moves_to_the_target_word_whose_pieces_attend_to_its_source_word(int[] sourceOfTarget, string marked)
    {
        // Pieces: ▁The ▁red ▁car ▁is ▁fast . </s>  →  ▁La ▁voiture ▁rouge ▁est ▁rapide . </s>
        var sentence = Aligned("The red car is fast.", ["▁The", "▁red", "▁car", "▁is", "▁fast", ".", Eos],
            "La voiture rouge est rapide.", ["▁La", "▁voiture", "▁rouge", "▁est", "▁rapide", ".", Eos], [.. sourceOfTarget, 6]);

        var moved = sentence.Carry(new TextMark(4, 3, "b"));

        moved.Should().Equal(sentence.At(marked, "b"));
    }

    [Fact]
    public void A_word_of_several_pieces_attends_with_the_mean_of_its_pieces_and_edge_punctuation_stays_outside()
    {
        // "rapide." is ▁rap + ide + .: two of its three pieces attend to "fast." (to ▁fast and to its period), one to
        // "car", so "fast" in bold makes "rapide" bold.
        var sentence = Aligned("The car is fast.", ["▁The", "▁car", "▁is", "▁fast", ".", Eos],
            "La voiture est rapide.", ["▁La", "▁voiture", "▁est", "▁rap", "ide", ".", Eos], [0, 1, 2, 1, 3, 4, 5]);

        sentence.Carry(new TextMark(11, 4, "b")).Should().Equal(sentence.At("rapide", "b"));
        sentence.Carry(new TextMark(11, 5, "b")).Should().Equal([sentence.At("rapide.", "b")],
            "a mark that holds the period keeps it");
    }

    [Fact]
    public void A_source_word_counts_by_its_most_attended_piece_so_glued_punctuation_adds_nothing()
    {
        // "est" gives "is" 0.31 and "station?" 0.28 + 0.04 on its period: it comes from "is", not from the sum.
        float[][] weights =
        [
            [0.94f, 0.02f, 0, 0.02f, 0, 0.02f],
            [0.1f, 0.31f, 0.14f, 0.28f, 0.04f, 0.13f],
            [0.05f, 0.03f, 0.62f, 0.27f, 0.02f, 0.01f],
            [0.01f, 0, 0, 0.98f, 0, 0.01f],
            [0.01f, 0.06f, 0.1f, 0.04f, 0.65f, 0.14f],
            [0.03f, 0, 0, 0, 0, 0.97f],
        ];
        string[] pieces = ["▁Where", "▁is", "▁the", "▁station", "?", Eos];
        var sentence = new Sentence("Where is the station?", "Où est la gare ?", pieces,
            new TokenAttention(pieces, ["▁Où", "▁est", "▁la", "▁gare", "▁?", Eos], weights));

        sentence.Carry(new TextMark(9, 11, "b"), new TextMark(6, 2, "i"))
            .Should().Equal(new TextMark(7, 7, "b"), sentence.At("est", "i"));
    }

    [Fact]
    public void A_mark_over_several_words_spans_from_its_first_to_its_last_aligned_target_word()
    {
        // "a big red car" → "w x y z" with big→x, car→y, red→z: "big red" spans x y z, whole words, contiguous.
        var sentence = Aligned("a big red car", ["▁a", "▁big", "▁red", "▁car", Eos],
            "w x y z", ["▁w", "▁x", "▁y", "▁z", Eos], [0, 1, 3, 2, 4]);

        sentence.Carry(new TextMark(2, 7, "b"), new TextMark(6, 3, "i"))
            .Should().Equal(new TextMark(2, 5, "b"), new TextMark(6, 1, "i"));
    }

    [Fact]
    public void A_mark_that_would_cross_one_placed_before_it_is_cut_back_to_that_marks_edge()
    {
        // "a big" and "red car" are siblings; the matrix interleaves them: w→big, x→red, y→a, z→car.
        var sentence = Aligned("a big red car", ["▁a", "▁big", "▁red", "▁car", Eos],
            "w x y z", ["▁w", "▁x", "▁y", "▁z", Eos], [1, 2, 0, 3, 4]);

        var moved = sentence.Carry(new TextMark(0, 5, "first"), new TextMark(6, 7, "second"));

        moved.Should().Equal(new TextMark(0, 5, "first"), new TextMark(6, 1, "second"));
    }

    [Fact]
    public void A_mark_no_target_word_aligns_with_goes_to_the_word_that_attends_most_to_it_and_whitespace_vanishes()
    {
        // Nobody's strongest source is "do", but "adore" gives it 0.4 (and "love" 0.6).
        var weights = new[]
        {
            new[] { 1f, 0, 0, 0, 0 },
            [0, 0.4f, 0.6f, 0, 0],
            [0, 0, 0, 1f, 0],
            [0, 0, 0, 0, 1f],
        };
        var sentence = new Sentence("I do love cats", "J' adore chats",
            ["▁I", "▁do", "▁love", "▁cats", Eos], new TokenAttention(["▁I", "▁do", "▁love", "▁cats", Eos], ["▁J'", "▁adore", "▁chats", Eos], weights));

        sentence.Carry(new TextMark(2, 2, "b"), new TextMark(1, 1, "space"))
            .Should().Equal(sentence.At("adore", "b"));
    }

    [Fact]
    public void A_point_goes_after_the_target_of_the_word_it_is_glued_to_or_else_before_the_target_of_the_next_word()
    {
        // "The red car is fast." → "La voiture rouge est rapide.": a point glued to "red" follows "rouge", one before
        // "car" precedes "voiture", one between "fast" and its period stays before the period; the ends stay ends.
        var sentence = Aligned("The red car is fast.", ["▁The", "▁red", "▁car", "▁is", "▁fast", ".", Eos],
            "La voiture rouge est rapide.", ["▁La", "▁voiture", "▁rouge", "▁est", "▁rapide", ".", Eos], [0, 2, 1, 3, 4, 5, 6]);

        var moved = sentence.Carry(new TextMark(7, 0, "after red"), new TextMark(8, 0, "before car"),
            new TextMark(19, 0, "before the period"), new TextMark(0, 0, "start"), new TextMark(20, 0, "end"));

        moved.Select(m => (sentence.Target[..m.Start], m.Length, m.Mark)).Should().Equal(
            ("La voiture rouge", 0, "after red"), ("La ", 0, "before car"), ("La voiture rouge est rapide", 0, "before the period"),
            ("", 0, "start"), ("La voiture rouge est rapide.", 0, "end"));
    }

    [Fact]
    public void Words_between_sentences_keep_their_place_and_each_sentence_aligns_within_itself()
    {
        // "1. Big car. It is red." → "1. Grosse voiture. Elle est rouge.", with the list marker in the layout's gap.
        var text = new SegmentedText(
            [new Segment("Big car.", []), new Segment("It is red.", [])],
            new TextLayout(["Big car.", "It is red."], ["1. ", " ", ""]));
        var pieces = new Dictionary<string, IReadOnlyList<string>>
        {
            ["Big car."] = ["▁Big", "▁car", ".", Eos],
            ["It is red."] = ["▁It", "▁is", "▁red", ".", Eos],
        };
        TokenAttention[] attention =
        [
            Attention(pieces["Big car."], ["▁Grosse", "▁voiture", ".", Eos], [0, 1, 2, 3]),
            Attention(pieces["It is red."], ["▁Elle", "▁est", "▁rouge", ".", Eos], [0, 1, 2, 3, 4]),
        ];
        string[] translations = ["Grosse voiture.", "Elle est rouge."];
        const string source = "1. Big car. It is red.", target = "1. Grosse voiture. Elle est rouge.";
        var alignment = TextAlignment.Of(text, translations, attention, s => pieces[s]);

        var moved = MarkCarrier.Carry([new TextMark(0, 2, "number"), new TextMark(18, 3, "b"), new TextMark(3, 18, "all")],
            alignment, source, target);

        moved.Select(m => (target.Substring(m.Start, m.Length), m.Mark)).Should()
            .Equal(("1.", "number"), ("rouge", "b"), ("Grosse voiture. Elle est rouge", "all"));
    }

    [Fact]
    public void Without_attention_words_align_in_order()
    {
        var text = new SegmentedText([new Segment("a b c", [])], new TextLayout(["a b c"], ["", ""]));
        var alignment = TextAlignment.Of(text, ["x y z"], [null], _ => throw new InvalidOperationException("no pieces are needed"));

        MarkCarrier.Carry([new TextMark(2, 1, "b")], alignment, "a b c", "x y z").Should().Equal(new TextMark(2, 1, "b"));
    }

    [Fact]
    public void When_pieces_and_words_do_not_match_up_words_align_by_their_place_and_a_word_left_over_has_no_source()
    {
        // The target's pieces make 2 words where its text has 3 (say, a piece that decodes to two words): the
        // piece words take the text words at the same fraction, and the third text word attends to nothing.
        var sentence = Aligned("a b", ["▁a", "▁b", Eos], "x y z", ["▁x", "▁y", Eos], [1, 0, 2]);
        var alignment = TextAlignment.Of(new SegmentedText([new Segment("a b", [])], new TextLayout(["a b"], ["", ""])),
            ["x y z"], [sentence.Attention], _ => sentence.SourcePieces);

        Enumerable.Range(0, 3).Select(alignment.SourceOf).Should().Equal(1, 0, -1);
    }

    [Fact]
    public void Marks_outside_their_text_or_crossing_are_refused_by_input_path()
    {
        var errors = new Dictionary<string, string[]>();

        MarkCarrier.Check(["abc", "abcdef", "ok"],
            [[new TextMark(2, 2, "b")], [new TextMark(0, 3, "b"), new TextMark(2, 3, "i")], [new TextMark(0, 2, "b"), new TextMark(0, 1, "i")]],
            errors);

        errors.Keys.Should().BeEquivalentTo("marks[0]", "marks[1]");
        errors["marks[0]"][0].Should().Contain("outside");
        errors["marks[1]"][0].Should().Contain("cross");
    }

    /// <summary>Attention in which target piece i puts 0.9 on source piece <paramref name="sourceOf"/>[i], the rest spread.</summary>
    private static TokenAttention Attention(IReadOnlyList<string> source, IReadOnlyList<string> target, int[] sourceOf) =>
        new(source, target, [.. sourceOf.Select(s => Enumerable.Range(0, source.Count)
            .Select(j => j == s ? 0.9f : 0.1f / (source.Count - 1)).ToArray())]);

    private static Sentence Aligned(string source, IReadOnlyList<string> sourcePieces, string target,
        IReadOnlyList<string> targetPieces, int[] sourceOf) =>
        new(source, target, sourcePieces, Attention(sourcePieces, targetPieces, sourceOf));

    /// <summary>One sentence, its translation and their attention.</summary>
    private sealed record Sentence(string Source, string Target, IReadOnlyList<string> SourcePieces, TokenAttention Attention)
    {
        public IReadOnlyList<TextMark> Carry(params TextMark[] marks) => MarkCarrier.Carry(marks,
            TextAlignment.Of(new SegmentedText([new Segment(Source, [])], new TextLayout([Source], ["", ""])), [Target],
                [Attention], _ => SourcePieces),
            Source, Target);

        public TextMark At(string word, object mark) => new(Target.IndexOf(word, StringComparison.Ordinal), word.Length, mark);
    }
}
