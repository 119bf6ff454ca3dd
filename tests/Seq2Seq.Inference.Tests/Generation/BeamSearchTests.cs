using Seq2Seq.Inference.Tests.Fakes;

namespace Seq2Seq.Inference.Tests.Generation;

/// <summary>
/// Beam search on a hand-made probability table (vocabulary: 0 start/pad, 1 eos, 2..5 words) whose
/// outcomes were worked out by hand from docs/decoding.md ("Beam search"); the derivation is in each test's comment.
/// </summary>
public class BeamSearchTests
{
    // Step 1 from [0]: candidates 2 (ln .5), 3 (ln .4), eos (ln .05, rank 2 ≥ B: skipped), 4 → beams [2], [3].
    // Step 2: [3]+eos = ln .36 (rank 0 → finished, ln .36 / 2); [2,5] = ln .3; [2]+eos = ln .05 (rank 2,
    // skipped); [2,2] = ln .05 (equal score, higher flat index than eos) → beams [2,5], [2,2].
    // Step 3: [2,5]+eos = ln .15 (rank 0 → finished, ln .15 / 3); [2,5,2], [2,5,3] = ln .06 run on.
    // Two finished; worst ln(.15)/3 = −0.632 ≥ best running ln(.06)/3 = −0.938 → done.
    private static readonly Dictionary<string, double[]> Table = new()
    {
        ["0"] = [0, .05, .5, .4, .05, 0],
        ["0,2"] = [0, .1, .1, .1, .1, .6],
        ["0,3"] = [0, .9, .05, 0, .05, 0],
        ["0,2,5"] = [0, .5, .2, .2, .1, 0],
        ["0,2,2"] = [0, .25, .25, .25, .25, 0],
    };

    private static GenerationResult Run(GenerationOptions options, int maxNewTokens = 10)
    {
        var runner = new ScriptedRunner(6, Scripts.Table(Table));
        var settings = Scripts.Settings(6, maxNewTokens).With(options);
        return Generator.Generate(runner, [Scripts.Request(settings, 7, 1)])[0];
    }

    [Fact]
    public void Beam_search_finds_the_hypothesis_greedy_misses()
    {
        var result = Run(new GenerationOptions { NumBeams = 2, NumReturnSequences = 2 });

        result.Sequences.Select(s => s.TokenIds).Should().BeEquivalentTo(new[] { new[] { 3, 1 }, [2, 5, 1] }, o => o.WithStrictOrdering());
        result.Sequences[0].Score.Should().BeApproximately(Math.Log(.36) / 2, 1e-5);
        result.Sequences[1].Score.Should().BeApproximately(Math.Log(.15) / 3, 1e-5);
        result.Sequences.Should().OnlyContain(s => s.FinishReason == FinishReason.Eos);
        result.DecoderSteps.Should().Be(3);
    }

    [Fact]
    public void Greedy_takes_the_locally_best_token()
    {
        var result = Run(new GenerationOptions());

        result.Sequences.Should().ContainSingle();
        result.Sequences[0].TokenIds.Should().Equal(2, 5, 1);
        result.Sequences[0].Score.Should().BeApproximately(Math.Log(.5) + Math.Log(.6) + Math.Log(.5), 1e-5);
    }

    [Fact]
    public void Length_penalty_two_prefers_the_longer_hypothesis()
    {
        // ln(.36)/2² = −0.255 < ln(.15)/3² = −0.211; at step 3 worst −0.255 ≥ ln(.06)/9 = −0.313 → done.
        var result = Run(new GenerationOptions { NumBeams = 2, LengthPenalty = 2f, NumReturnSequences = 2 });

        result.Sequences[0].TokenIds.Should().Equal(2, 5, 1);
        result.Sequences[0].Score.Should().BeApproximately(Math.Log(.15) / 9, 1e-5);
        result.Sequences[1].TokenIds.Should().Equal(3, 1);
    }

    [Fact]
    public void Reaching_max_new_tokens_finishes_the_running_beams()
    {
        // After step 2: finished [3,eos] (ln .36 / 2); running [2,5] (ln .3) and [2,2] (ln .05) are added
        // with score cum / 2: [2,5] enters (−0.602), [2,2] (−1.498) does not beat the worst of a full set.
        var result = Run(new GenerationOptions { NumBeams = 2, NumReturnSequences = 2 }, maxNewTokens: 2);

        result.Sequences[0].TokenIds.Should().Equal(3, 1);
        result.Sequences[0].FinishReason.Should().Be(FinishReason.Eos);
        result.Sequences[1].TokenIds.Should().Equal(2, 5);
        result.Sequences[1].FinishReason.Should().Be(FinishReason.Length);
        result.Sequences[1].Score.Should().BeApproximately(Math.Log(.3) / 2, 1e-5);
    }

    [Fact]
    public void Returns_only_the_best_when_one_sequence_is_asked_for()
    {
        var result = Run(new GenerationOptions { NumBeams = 2 });

        result.Sequences.Should().ContainSingle().Which.TokenIds.Should().Equal(3, 1);
        result.OutputTokens.Should().Be(2);
        result.InputTokens.Should().Be(2);
    }

    [Fact]
    public void Beams_fork_after_the_first_step_and_leave_the_batch_when_done()
    {
        var runner = new ScriptedRunner(6, Scripts.Table(Table));
        var settings = Scripts.Settings(6).With(new GenerationOptions { NumBeams = 2 });

        Generator.Generate(runner, [Scripts.Request(settings, 7, 1)]);

        runner.RowsPerStep.Should().Equal(1, 2, 2);
        runner.LiveStates.Should().Be(0);
    }
}
