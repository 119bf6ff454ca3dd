using Seq2Seq.Inference.Tests.Fakes;

namespace Seq2Seq.Inference.Tests.Generation;

/// <summary>
/// Attention follows each hypothesis through forks, reorders and rows leaving the batch: every returned
/// sequence carries, for each of its tokens, the attention row that the scripted runner produced for that
/// sequence's own history, over its own source only.
/// </summary>
public class AttentionTrackingTests
{
    private const int Vocab = 12;

    private static readonly int[][] Sources = [[5, 6, 1], [7, 8, 9, 10, 11, 1], [4, 1]];

    public static TheoryData<GenerationOptions> Searches => new()
    {
        new GenerationOptions(),
        new GenerationOptions { NumBeams = 4, NumReturnSequences = 4 },
        new GenerationOptions { NumBeams = 3, NumReturnSequences = 2, LengthPenalty = 0.5f },
        new GenerationOptions { DoSample = true, NumReturnSequences = 3, Seed = 11 },
    };

    [Theory]
    [MemberData(nameof(Searches))]
    public void Every_sequence_carries_the_attention_of_its_own_history(GenerationOptions options)
    {
        var runner = new ScriptedRunner(Vocab, Scripts.Hashed(3)) { WithAttention = true };
        var settings = Scripts.Settings(Vocab, maxNewTokens: 8).With(options);

        var results = Generator.Generate(runner, [.. Sources.Select(s => new GenerationRequest(s, settings) { ReturnAttention = true })]);

        for (var i = 0; i < Sources.Length; i++)
        {
            results[i].Sequences.Should().NotBeEmpty();
            foreach (var sequence in results[i].Sequences)
            {
                sequence.Attention.Should().HaveCount(sequence.TokenIds.Length);
                var history = new List<int> { Scripts.Start };
                for (var t = 0; t < sequence.TokenIds.Length; t++)
                {
                    sequence.Attention![t].Should().Equal(ScriptedRunner.AttentionOf(Sources[i], history), "token {0} of [{1}]", t, string.Join(",", sequence.TokenIds));
                    history.Add(sequence.TokenIds[t]);
                }
            }
        }
    }

    [Fact]
    public void Only_requests_that_ask_get_attention()
    {
        var runner = new ScriptedRunner(Vocab, Scripts.Hashed(5)) { WithAttention = true };
        var settings = Scripts.Settings(Vocab).With(new GenerationOptions { NumBeams = 2 });

        var results = Generator.Generate(runner, [new GenerationRequest(Sources[0], settings), new GenerationRequest(Sources[1], settings) { ReturnAttention = true }]);

        results[0].Sequences[0].Attention.Should().BeNull();
        results[1].Sequences[0].Attention.Should().HaveCount(results[1].Sequences[0].TokenIds.Length);
    }

    [Fact]
    public void Asking_a_runner_without_attention_fails_before_any_step()
    {
        var runner = new ScriptedRunner(Vocab, Scripts.Hashed(5));
        var settings = Scripts.Settings(Vocab);

        var act = () => GenerationCohort.Start(runner, [new GenerationRequest(Sources[0], settings) { ReturnAttention = true }]);

        act.Should().Throw<ArgumentException>().WithMessage("*attention*");
        runner.EncodedBatchSizes.Should().BeEmpty();
    }
}
