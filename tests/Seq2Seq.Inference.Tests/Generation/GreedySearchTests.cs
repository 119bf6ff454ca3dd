using Seq2Seq.Inference.Tests.Fakes;

namespace Seq2Seq.Inference.Tests.Generation;

public class GreedySearchTests
{
    private static GenerationResult Run(Dictionary<string, double[]> table, GenerationOptions options, int maxNewTokens = 10)
    {
        var runner = new ScriptedRunner(5, Scripts.Table(table));
        var settings = Scripts.Settings(5, maxNewTokens).With(options);
        return Generator.Generate(runner, [Scripts.Request(settings, 3, 1)])[0];
    }

    [Fact]
    public void Ties_go_to_the_lowest_token_id()
    {
        var result = Run(new() { ["0"] = [0, .1, .3, .3, .3], ["0,2"] = [0, .7, .1, .1, .1] }, new());

        result.Sequences[0].TokenIds.Should().Equal(2, 1);
        result.Sequences[0].FinishReason.Should().Be(FinishReason.Eos);
    }

    [Fact]
    public void Stops_at_max_new_tokens_with_finish_reason_length()
    {
        // Unknown histories get uniform logits, where the lowest allowed id is eos; min_length 4 forbids
        // it while fewer than 3 tokens were generated, so tokens 2, 2, 2 fill the 3 allowed positions.
        var result = Run([], new GenerationOptions { MaxNewTokens = 3, MinLength = 4 });

        result.Sequences[0].TokenIds.Should().Equal(2, 2, 2);
        result.Sequences[0].FinishReason.Should().Be(FinishReason.Length);
    }

    [Fact]
    public void Min_length_counts_the_start_token()
    {
        // Uniform logits: eos is the arg-max whenever allowed. min_length 3 → forbidden while g + 1 < 3.
        var result = Run([], new GenerationOptions { MinLength = 3 });

        result.Sequences[0].TokenIds.Should().Equal(2, 2, 1);
    }

    [Fact]
    public void Bad_words_are_never_generated()
    {
        // The start/pad token has the highest probability, but Marian forbids it.
        var result = Run(new() { ["0"] = [.6, .1, .3, 0, 0], ["0,2"] = [.6, .4, 0, 0, 0] }, new());

        result.Sequences[0].TokenIds.Should().Equal(2, 1);
    }

    [Fact]
    public void Repetition_penalty_steers_away_from_seen_tokens()
    {
        // After [0,2]: logits ln .5 (token 2) vs ln .3 (token 3); penalty 2 doubles the negative logit of 2.
        var table = new Dictionary<string, double[]>
        {
            ["0"] = [0, .1, .6, .3, 0],
            ["0,2"] = [0, .1, .5, .3, .1],
            ["0,2,2"] = [0, 1, 0, 0, 0],
            ["0,2,3"] = [0, 1, 0, 0, 0],
        };

        Run(table, new()).Sequences[0].TokenIds.Should().Equal(2, 2, 1);
        Run(table, new GenerationOptions { RepetitionPenalty = 2f }).Sequences[0].TokenIds.Should().Equal(2, 3, 1);
    }

    [Fact]
    public void No_repeat_ngram_forbids_completing_a_seen_bigram()
    {
        // Greedy alone loops 2,3,2,3,…; with bigrams unique, after 2,3,2 the pair (2,3) is taken, so the
        // runner-up 2 follows (the bigram (2,2) is new).
        var loop = new Dictionary<string, double[]>();
        var history = "0";
        for (var i = 0; i < 6; i++)
        {
            var next = i % 2 == 0 ? 2 : 3;
            loop[history] = next == 2 ? [0, .05, .6, .3, .05] : [0, .05, .3, .6, .05];
            history += "," + next;
        }

        Run(loop, new GenerationOptions { MaxNewTokens = 4 }).Sequences[0].TokenIds.Should().Equal(2, 3, 2, 3);
        Run(loop, new GenerationOptions { MaxNewTokens = 4, NoRepeatNgramSize = 2 }).Sequences[0].TokenIds.Should().Equal(2, 3, 2, 2);
    }
}
