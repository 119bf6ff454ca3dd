namespace Seq2Seq.Inference.Tests.Generation;

public class LogitsProcessorTests
{
    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_logits_once_per_token()
    {
        float[] logits = [2f, -2f, 1f, 3f];

        LogitsProcessor.ApplyRepetitionPenalty(logits, [0, 1, 1, 0], 2f, new int[4]);

        logits.Should().Equal(1f, -4f, 1f, 3f);
    }

    [Theory]
    [InlineData(new[] { 5, 6, 7, 5, 6 }, 3, new[] { 7 })]
    [InlineData(new[] { 5, 6, 7, 5 }, 2, new[] { 6 })]
    [InlineData(new[] { 5, 6, 5, 7, 5 }, 2, new[] { 6, 7 })]
    [InlineData(new[] { 5, 6 }, 4, new int[0])]
    [InlineData(new[] { 5, 5, 5 }, 1, new[] { 5 })]
    public void No_repeat_ngram_bans_exactly_the_completing_tokens(int[] ids, int n, int[] banned)
    {
        var logits = new float[8];

        LogitsProcessor.BanRepeatedNgrams(logits, ids, n);

        Enumerable.Range(0, 8).Where(t => float.IsNegativeInfinity(logits[t])).Should().BeEquivalentTo(banned);
    }

    // Pieces as a SentencePiece vocabulary names them (▁ starts a word), and the keys the service folds them to.
    private static readonly string[] Pieces = ["</s>", "▁S", "'", "il", "▁vous", "▁plaît", ",", "▁s", "’", "▁plait", "▁te", "."];
    private static readonly string[] Keys = ["</s>", "▁s", "'", "il", "▁vous", "▁plait", ",", "▁s", "'", "▁plait", "▁te", "."];

    [Fact]
    public void Folding_groups_ids_with_equal_keys_under_the_lowest_id()
    {
        var folding = TokenFolding.Of(Pieces.Length, id => Keys[id]);

        folding.GroupOf(7).Should().Be(1, "▁s is ▁S lowercased");
        folding.GroupOf(8).Should().Be(2, "’ is the typographic apostrophe");
        folding.GroupOf(9).Should().Be(5, "▁plait is ▁plaît without its circumflex");
        folding.Members(1).ToArray().Should().Equal(1, 7);
        folding.Members(10).ToArray().Should().Equal(10);
        Enumerable.Range(0, Pieces.Length).Count(id => folding.GroupOf(id) == id).Should().Be(Pieces.Length - 3);
    }

    [Fact]
    public void Repeat_guard_bans_a_loop_that_comes_back_with_other_case_and_apostrophe()
    {
        var folding = TokenFolding.Of(Pieces.Length, id => Keys[id]);
        // "S'il vous plaît, s’" so far: the guard of size 3 must forbid "il" (3), which would repeat "s'il".
        int[] ids = [0, 1, 2, 3, 4, 5, 6, 7, 8];
        var logits = new float[Pieces.Length];

        LogitsProcessor.BanFoldedRepeats(logits, ids, 3, folding, new int[ids.Length]);

        Enumerable.Range(0, Pieces.Length).Where(t => float.IsNegativeInfinity(logits[t])).Should().Equal(3);

        // Exact ids differ at every position after the comma, so Hugging Face's rule lets the loop through.
        var exact = new float[Pieces.Length];
        LogitsProcessor.BanRepeatedNgrams(exact, ids, 3);
        exact.Should().OnlyContain(l => l == 0f);
    }

    [Fact]
    public void Repeat_guard_forbids_every_spelling_of_the_completing_token()
    {
        var folding = TokenFolding.Of(Pieces.Length, id => Keys[id]);
        // "▁vous ▁plaît , ▁vous": completing "▁vous ▁plaît" again is forbidden as ▁plaît and as ▁plait.
        int[] ids = [0, 4, 5, 6, 4];
        var logits = new float[Pieces.Length];

        LogitsProcessor.BanFoldedRepeats(logits, ids, 2, folding, new int[ids.Length]);

        Enumerable.Range(0, Pieces.Length).Where(t => float.IsNegativeInfinity(logits[t])).Should().Equal(5, 9);
    }

    [Fact]
    public void Processors_apply_in_spec_order_and_min_length_forbids_eos()
    {
        var settings = new GenerationSettings
        {
            MaxNewTokens = 10,
            MaxNewTokensLimit = 10,
            EosTokenId = 1,
            DecoderStartTokenId = 0,
            BadWordIds = [0],
            VocabSize = 5,
            MinLength = 3,
            RepetitionPenalty = 4f,
        };
        var processor = new LogitsProcessor(settings);
        float[] logits = [1f, 1f, 8f, -1f, 0.5f];

        processor.Apply(logits, [0, 2]);

        logits.Should().Equal(float.NegativeInfinity, float.NegativeInfinity, 2f, -1f, 0.5f);

        float[] later = [1f, 1f, 8f, -1f, 0.5f];
        processor.Apply(later, [0, 2, 3]);
        later.Should().Equal(float.NegativeInfinity, 1f, 2f, -4f, 0.5f);
    }

    [Fact]
    public void A_forced_first_token_is_the_only_choice_at_the_first_step_and_only_there()
    {
        var settings = Fakes.Scripts.Settings(5) with { ForcedBosTokenId = 3, BadWordIds = [] };
        var processor = new LogitsProcessor(settings);

        float[] first = [4f, 2f, 1f, float.NegativeInfinity, 0.5f];
        processor.Apply(first, [0]);
        first.Should().Equal(float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, 0f, float.NegativeInfinity);

        float[] later = [4f, 2f, 1f, -1f, 0.5f];
        processor.Apply(later, [0, 3]);
        later.Should().Equal(4f, 2f, 1f, -1f, 0.5f);
    }

    [Fact]
    public void A_forced_last_token_is_the_only_choice_at_the_step_max_new_tokens_allows_last_and_only_there()
    {
        var settings = Fakes.Scripts.Settings(5, maxNewTokens: 3) with { ForcedEosTokenId = 2, BadWordIds = [] };
        var processor = new LogitsProcessor(settings);

        float[] earlier = [4f, 2f, 1f, -1f, 0.5f];
        processor.Apply(earlier, [0, 4]);
        earlier.Should().Equal(4f, 2f, 1f, -1f, 0.5f);

        // Two generated, the start counted: the next token is the third and last.
        float[] last = [4f, 2f, 1f, -1f, 0.5f];
        processor.Apply(last, [0, 4, 3]);
        last.Should().Equal(float.NegativeInfinity, float.NegativeInfinity, 1f, float.NegativeInfinity, float.NegativeInfinity);
    }
}
