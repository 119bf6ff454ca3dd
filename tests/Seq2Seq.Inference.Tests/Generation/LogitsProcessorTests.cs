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
}
