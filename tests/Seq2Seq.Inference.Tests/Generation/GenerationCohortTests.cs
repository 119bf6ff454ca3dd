using Seq2Seq.Inference.Tests.Fakes;

namespace Seq2Seq.Inference.Tests.Generation;

public class GenerationCohortTests
{
    private const int Vocab = 12;

    private static readonly GenerationOptions[] Mix =
    [
        new(),
        new() { NumBeams = 3 },
        new() { NumBeams = 2, NumReturnSequences = 2, LengthPenalty = 0.7f },
        new() { NumBeams = 4, EarlyStopping = true },
        new() { DoSample = true, NumBeams = 1, Seed = 11, NumReturnSequences = 3, TopK = 5 },
        new() { DoSample = true, NumBeams = 1, Seed = 12, TopP = 0.8f, Temperature = 1.5f },
        new() { RepetitionPenalty = 1.3f },
        new() { NoRepeatNgramSize = 2, NumBeams = 2 },
        new() { MinLength = 6 },
        new() { MaxNewTokens = 3 },
    ];

    private static List<GenerationRequest> Requests(int count, int seed = 5)
    {
        var random = new Random(seed);
        var defaults = Scripts.Settings(Vocab, maxNewTokens: 14);
        return Enumerable.Range(0, count).Select(i =>
        {
            var source = Enumerable.Range(0, random.Next(1, 9)).Select(_ => random.Next(2, Vocab)).Append(Scripts.Eos).ToArray();
            return Scripts.Request(defaults.With(Mix[i % Mix.Length]), source);
        }).ToList();
    }

    private static void ShouldBeSame(GenerationResult actual, GenerationResult expected)
    {
        actual.Sequences.Should().HaveSameCount(expected.Sequences);
        for (var s = 0; s < expected.Sequences.Count; s++)
        {
            actual.Sequences[s].TokenIds.Should().Equal(expected.Sequences[s].TokenIds);
            actual.Sequences[s].Score.Should().Be(expected.Sequences[s].Score);
            actual.Sequences[s].FinishReason.Should().Be(expected.Sequences[s].FinishReason);
        }
    }

    [Fact]
    public void A_mixed_batch_gives_each_request_what_it_gets_alone()
    {
        var requests = Requests(30);
        var runner = new ScriptedRunner(Vocab, Scripts.Hashed(3));

        var batched = Generator.Generate(runner, requests);
        var alone = requests.Select(r => Generator.Generate(new ScriptedRunner(Vocab, Scripts.Hashed(3)), [r])[0]).ToList();

        for (var i = 0; i < requests.Count; i++)
        {
            ShouldBeSame(batched[i], alone[i]);
        }

        runner.EncodedBatchSizes.Should().Equal(30);
        runner.LiveStates.Should().Be(0);
        alone.Select(r => r.OutputTokens).Distinct().Should().HaveCountGreaterThan(3, "the script must end sequences at varied lengths");
    }

    [Fact]
    public void Requests_admitted_between_steps_give_what_they_give_alone()
    {
        var requests = Requests(40, seed: 9);
        var runner = new ScriptedRunner(Vocab, Scripts.Hashed(3), supportsJoins: true);
        using var cohort = GenerationCohort.Start(runner, requests.Take(10).ToList());
        var admitted = 10;
        var completed = new List<int>();
        while (!cohort.IsCompleted)
        {
            completed.AddRange(cohort.Step());
            if (admitted < requests.Count && cohort.CanAdmit)
            {
                var take = Math.Min(6, requests.Count - admitted);
                completed.AddRange(cohort.Admit(requests.Skip(admitted).Take(take).ToList()));
                admitted += take;
            }
        }

        admitted.Should().Be(requests.Count, "admissions must happen while the first rows still run");
        cohort.Count.Should().Be(requests.Count);
        completed.Should().BeEquivalentTo(Enumerable.Range(0, requests.Count));
        for (var i = 0; i < requests.Count; i++)
        {
            ShouldBeSame(cohort.Result(i)!, Generator.Generate(new ScriptedRunner(Vocab, Scripts.Hashed(3)), [requests[i]])[0]);
        }

        runner.EncodedBatchSizes.Should().Equal(10, 6, 6, 6, 6, 6);
        runner.LiveStates.Should().Be(0);
    }

    [Fact]
    public void Admitting_needs_a_runner_that_supports_joins()
    {
        using var cohort = GenerationCohort.Start(new ScriptedRunner(Vocab, Scripts.Hashed(3)), Requests(2));
        cohort.Step();

        cohort.CanAdmit.Should().BeFalse();
        cohort.Invoking(c => c.Admit(Requests(1))).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Finished_greedy_rows_leave_the_batch()
    {
        var requests = Requests(40).Where(r => r.Settings is { NumBeams: 1, DoSample: false }).ToList();
        var runner = new ScriptedRunner(Vocab, Scripts.Hashed(4));

        var results = Generator.Generate(runner, requests);

        // Row count at step k = requests with at least k generated tokens.
        var expected = Enumerable.Range(1, results.Max(r => r.OutputTokens))
            .Select(k => results.Count(r => r.OutputTokens >= k));
        runner.RowsPerStep.Should().Equal(expected);
        results.Select(r => r.DecoderSteps).Should().Equal(results.Select(r => r.OutputTokens));
    }

    [Fact]
    public void Cancelling_removes_the_request_between_steps_and_leaves_the_others_intact()
    {
        var defaults = Scripts.Settings(Vocab, maxNewTokens: 10).With(new GenerationOptions { MinLength = 11 });
        using var cancel = new CancellationTokenSource();
        GenerationRequest[] requests =
        [
            new(new[] { 3, 4, Scripts.Eos }, defaults, cancel.Token),
            new(new[] { 5, Scripts.Eos }, defaults.With(new GenerationOptions { NumBeams = 3 })),
            new(new[] { 6, 7, 8, Scripts.Eos }, defaults),
        ];
        var runner = new ScriptedRunner(Vocab, Scripts.Hashed(9));
        using var cohort = GenerationCohort.Start(runner, requests);

        cohort.Step().Should().BeEmpty();
        cohort.Step().Should().BeEmpty();
        cohort.ActiveRows.Should().Be(5);
        cancel.Cancel();
        var completed = cohort.Step();

        completed.Should().Equal(0);
        cohort.Result(0)!.Cancelled.Should().BeTrue();
        cohort.Result(0)!.Sequences.Should().BeEmpty();
        runner.RowsPerStep.Should().Equal(3, 5, 4);
        while (!cohort.IsCompleted)
        {
            cohort.Step();
        }

        runner.LiveStates.Should().Be(0);
        for (var i = 1; i < requests.Length; i++)
        {
            ShouldBeSame(cohort.Result(i)!, Generator.Generate(new ScriptedRunner(Vocab, Scripts.Hashed(9)), [requests[i]])[0]);
        }
    }

    [Fact]
    public void A_request_cancelled_before_the_start_is_not_encoded()
    {
        var settings = Scripts.Settings(Vocab);
        var runner = new ScriptedRunner(Vocab, Scripts.Hashed(1));

        var results = Generator.Generate(runner,
            [new GenerationRequest(new[] { 3, Scripts.Eos }, settings, new CancellationToken(true)), Scripts.Request(settings, 4, Scripts.Eos)]);

        runner.EncodedBatchSizes.Should().Equal(1);
        results[0].Cancelled.Should().BeTrue();
        results[1].Cancelled.Should().BeFalse();
        results[1].Sequences.Should().ContainSingle();
    }

    [Fact]
    public void Seeded_sampling_is_reproducible_and_depends_on_the_seed()
    {
        var defaults = Scripts.Settings(Vocab, maxNewTokens: 14);
        GenerationResult Sample(long seed) => Generator.Generate(new ScriptedRunner(Vocab, Scripts.Hashed(2)),
            [Scripts.Request(defaults.With(new GenerationOptions { DoSample = true, NumBeams = 1, Seed = seed, NumReturnSequences = 4, Temperature = 2f }), 3, Scripts.Eos)])[0];

        var first = Sample(100);
        ShouldBeSame(Sample(100), first);
        first.Sequences.Should().HaveCount(4);
        Enumerable.Range(101, 5).Select(seed => Sample(seed)).Should().Contain(r => !r.Sequences[0].TokenIds.SequenceEqual(first.Sequences[0].TokenIds));
    }

    [Fact]
    public void Sampling_with_top_k_one_is_greedy()
    {
        var defaults = Scripts.Settings(Vocab, maxNewTokens: 14);
        var source = new[] { 4, 9, Scripts.Eos };
        var greedy = Generator.Generate(new ScriptedRunner(Vocab, Scripts.Hashed(6)), [Scripts.Request(defaults, source)])[0];
        var sampled = Generator.Generate(new ScriptedRunner(Vocab, Scripts.Hashed(6)),
            [Scripts.Request(defaults.With(new GenerationOptions { DoSample = true, NumBeams = 1, TopK = 1, Seed = 3 }), source)])[0];

        sampled.Sequences[0].TokenIds.Should().Equal(greedy.Sequences[0].TokenIds);
    }

    [Fact]
    public void Settings_for_another_vocabulary_are_rejected()
    {
        var act = () => GenerationCohort.Start(new ScriptedRunner(Vocab, Scripts.Hashed(1)), [Scripts.Request(Scripts.Settings(Vocab + 1), 3, 1)]);

        act.Should().Throw<ArgumentException>().WithMessage("*vocabulary*");
    }
}
