namespace Seq2Seq.Inference.Tests.Generation;

public class TokenAttentionTests
{
    [Fact]
    public void Sentences_join_as_diagonal_blocks_whose_rows_still_sum_to_one()
    {
        var first = new TokenAttention(["▁A", "</s>"], ["▁a", "</s>"], [[0.75f, 0.25f], [0.5f, 0.5f]]);
        var second = new TokenAttention(["▁B", "▁C", "</s>"], ["▁b"], [[0.2f, 0.3f, 0.5f]]);

        var joined = TokenAttention.Concatenate([first, second]);

        joined.SourceTokens.Should().Equal("▁A", "</s>", "▁B", "▁C", "</s>");
        joined.TargetTokens.Should().Equal("▁a", "</s>", "▁b");
        joined.Weights.Should().HaveCount(3);
        joined.Weights[0].Should().Equal(0.75f, 0.25f, 0f, 0f, 0f);
        joined.Weights[1].Should().Equal(0.5f, 0.5f, 0f, 0f, 0f);
        joined.Weights[2].Should().Equal(0f, 0f, 0.2f, 0.3f, 0.5f);
        joined.Weights.Should().OnlyContain(row => Math.Abs(row.Sum() - 1) < 1e-6);
    }
}
