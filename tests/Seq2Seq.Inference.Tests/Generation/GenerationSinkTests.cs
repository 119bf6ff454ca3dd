using Seq2Seq.Inference.Tests.Fakes;

namespace Seq2Seq.Inference.Tests.Generation;

/// <summary>Each request's sink hears of its tokens and its end within the step that made them.</summary>
public class GenerationSinkTests
{
    private const int Vocab = 12;

    private sealed class Recorder : IGenerationSink
    {
        public List<int> Tokens { get; } = [];

        public List<GenerationResult> Ends { get; } = [];

        public void TokenAppended(int tokenId) => Tokens.Add(tokenId);

        public void Finished(GenerationResult result) => Ends.Add(result);
    }

    private static (GenerationRequest Request, Recorder Sink) Request(GenerationOptions options, int[] source, CancellationToken cancellation = default)
    {
        var sink = new Recorder();
        var settings = Scripts.Settings(Vocab, maxNewTokens: 14).With(options);
        return (new GenerationRequest(source, settings, cancellation) { Sink = sink }, sink);
    }

    [Fact]
    public void Greedy_rows_report_each_token_as_it_comes_and_beams_only_their_end()
    {
        var greedy = Request(new GenerationOptions(), [3, 4, 5, Scripts.Eos]);
        var beams = Request(new GenerationOptions { NumBeams = 3 }, [6, 7, Scripts.Eos]);
        using var cohort = GenerationCohort.Start(new ScriptedRunner(Vocab, Scripts.Hashed(3)), [greedy.Request, beams.Request]);

        var tokensAfterStep = new List<int>();
        while (!cohort.IsCompleted)
        {
            cohort.Step();
            tokensAfterStep.Add(greedy.Sink.Tokens.Count);
        }

        var result = cohort.Result(0)!;
        greedy.Sink.Ends.Should().ContainSingle().Which.Should().BeSameAs(result);
        var ids = result.Sequences[0].TokenIds;
        var expected = ids[^1] == Scripts.Eos ? ids[..^1] : ids;
        greedy.Sink.Tokens.Should().Equal(expected);
        tokensAfterStep.Take(expected.Length).Should().Equal(Enumerable.Range(1, expected.Length), "one token per step, reported within it");
        beams.Sink.Tokens.Should().BeEmpty();
        beams.Sink.Ends.Should().ContainSingle().Which.Should().BeSameAs(cohort.Result(1));
    }

    [Fact]
    public void A_cancelled_request_ends_as_cancelled_at_the_next_step()
    {
        using var leave = new CancellationTokenSource();
        var staying = Request(new GenerationOptions { MinLength = 10 }, [3, 4, Scripts.Eos]);
        var leaving = Request(new GenerationOptions { MinLength = 10 }, [5, 6, Scripts.Eos], leave.Token);
        using var cohort = GenerationCohort.Start(new ScriptedRunner(Vocab, Scripts.Hashed(3)), [staying.Request, leaving.Request]);
        cohort.Step();
        cohort.ActiveRows.Should().Be(2);

        leave.Cancel();
        cohort.Step();

        leaving.Sink.Ends.Should().ContainSingle().Which.Cancelled.Should().BeTrue();
        cohort.ActiveRows.Should().Be(1, "the cancelled row left the batch in the same step");
        staying.Sink.Ends.Should().BeEmpty();
    }
}
