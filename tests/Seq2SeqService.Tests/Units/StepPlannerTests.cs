using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Seq2SeqService.Catalog;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;
using Seq2SeqService.Queue;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Seq2SeqService.Tests.Units;

/// <summary>The scheduler's decisions, stepped inline on the test's thread: no lanes, no timing.</summary>
public sealed class StepPlannerTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly SteppingModel _model = new(joins: true);

    public void Dispose() => _services.Dispose();

    private StepPlanner Planner(int maxRows = 8, long maxTokens = 1_000_000, int maxCacheMegabytes = 32) => new(
        new ServiceMetrics(_services.GetRequiredService<IMeterFactory>(), new RequestQueue(MsOptions.Create(new QueueOptions()))),
        new BatchingOptions { MaxBatchSequences = maxRows, Lanes = 1, MaxTokensPerRequest = maxTokens, MaxCacheMegabytes = maxCacheMegabytes },
        NullLogger.Instance);

    private TranslationJob Job(CancellationToken cancellation, params string[] texts) => Job(cancellation, null, texts);

    private TranslationJob Job(CancellationToken cancellation, Action<int, SequenceOutput>? segmentFinished, params string[] texts) =>
        Job(_model, cancellation, segmentFinished, texts);

    private static TranslationJob Job(ITranslationModel model, CancellationToken cancellation, Action<int, SequenceOutput>? segmentFinished,
        params string[] texts)
    {
        var job = new TranslationJob(model, model.Defaults, [.. texts.Select(t => new Segment(t, model.Tokenize(t).Ids))], cancellation, work: 0)
        {
            SegmentFinished = segmentFinished,
        };
        job.WatchCancellation();
        return job;
    }

    /// <summary>Plans, then runs every step the planner hands out and applies it; returns how many ran.</summary>
    private static int StepOnce(StepPlanner planner, int lanes = 1)
    {
        planner.ReleaseFinishedJobs();
        planner.Plan(lanes);
        var steps = planner.TakeSteps(lanes, CancellationToken.None);
        foreach (var step in steps)
        {
            planner.Apply(step.Run(), CancellationToken.None);
        }

        return steps.Count;
    }

    [Fact]
    public async Task Rows_of_two_pairs_of_one_model_share_its_batch()
    {
        var planner = Planner();
        var otherPair = new ModelView(_model, _model.Defaults with { ForcedBosTokenId = 3 });
        var first = Job(CancellationToken.None, "a b c d e f g h");
        planner.Accept(first);
        StepOnce(planner);

        var second = Job(otherPair, CancellationToken.None, null, "hi there");
        planner.Accept(second);
        StepOnce(planner);

        _model.ActiveRows.Should().Be(2, "the other pair's row joined the running batch");
        _model.BatchesStarted.Should().Be(1);
        while (StepOnce(planner) > 0)
        {
        }

        (await second.Completion).Should().ContainSingle().Which.Candidates[0].Text.Should().Be("<0>hi there");
        (await first.Completion).Should().ContainSingle();
    }

    [Fact]
    public async Task A_request_arriving_mid_batch_joins_at_the_next_step_and_finishes_without_waiting()
    {
        var planner = Planner();
        var longJob = Job(CancellationToken.None, "a b c d e f g h");
        planner.Accept(longJob);
        StepOnce(planner);
        var shortJob = Job(CancellationToken.None, "hi");

        planner.Accept(shortJob);
        StepOnce(planner);
        _model.ActiveRows.Should().Be(2, "the newcomer joined the running batch");
        StepOnce(planner);

        shortJob.Completion.IsCompletedSuccessfully.Should().BeTrue();
        longJob.IsFinished.Should().BeFalse();
        _model.BatchesStarted.Should().Be(1);
        while (StepOnce(planner) > 0)
        {
        }

        (await longJob.Completion).Should().ContainSingle().Which.Candidates[0].Text.Should().Be("<0>a b c d e f g h");
        planner.IsIdle.Should().BeTrue();
    }

    [Fact]
    public async Task Once_the_running_rows_hold_the_cache_budget_a_newcomer_waits_for_a_row_to_end()
    {
        // 128 KiB a position: "a b c" (three words and the end token) is estimated at 2 × 4 × 128 KiB, 1 MiB a row.
        var model = new SteppingModel(joins: true, new ScriptedModel { CacheBytesPerPosition = 128 << 10 });
        var planner = Planner(maxCacheMegabytes: 1);
        var first = Job(model, CancellationToken.None, null, "a b c");
        var second = Job(model, CancellationToken.None, null, "d e f");
        planner.Accept(first);
        planner.Accept(second);

        StepOnce(planner);
        model.ActiveRows.Should().Be(1, "the second request's first row is over the budget while the first runs");
        while (!first.IsFinished)
        {
            StepOnce(planner);
            model.ActiveRows.Should().BeLessThanOrEqualTo(1);
        }

        while (StepOnce(planner) > 0)
        {
        }

        (await second.Completion).Should().ContainSingle().Which.Candidates[0].Text.Should().Be("<0>d e f");
        model.MostRows.Should().Be(1);
    }

    [Fact]
    public async Task With_two_lanes_free_a_long_texts_first_sentence_runs_alone_and_the_rest_beside_it()
    {
        var planner = Planner();
        var sentences = new List<int>();
        var job = Job(CancellationToken.None, (segment, _) => sentences.Add(segment), "one two", "a b c d e f", "g h i j k l");
        planner.Accept(job);

        StepOnce(planner, lanes: 2);
        _model.BatchesStarted.Should().Be(2, "the first row took one free lane, the other rows the other");
        StepOnce(planner, lanes: 2);
        StepOnce(planner, lanes: 2);

        sentences.Should().Equal([0], "the first sentence ran its three steps alone, as a lone request would");
        while (StepOnce(planner, lanes: 2) > 0)
        {
        }

        (await job.Completion).Select(o => o.Candidates[0].Text).Should().Equal("<0>one two", "<0>a b c d e f", "<0>g h i j k l");
    }

    [Fact]
    public async Task Rows_freed_while_a_first_sentence_runs_alone_join_the_other_batch_not_its_own()
    {
        // Four rows: the first sentence alone (seven steps), three beside it; "hi" ends at the second step, and the
        // row it frees goes to the pending fifth sentence while the first still runs, in the batch with more rows.
        var model = new SteppingModel(joins: true) { RecordsSteps = true };
        var planner = Planner(maxRows: 4);
        var sentences = new List<int>();
        var job = Job(model, CancellationToken.None, (segment, _) => sentences.Add(segment),
            "a b c d e f", "hi", "w x y z", "p q r s", "next one");
        planner.Accept(job);

        while (!sentences.Contains(0))
        {
            StepOnce(planner, lanes: 2);
        }

        model.StepTexts.Where(t => t.Contains("a b c d e f")).Should().HaveCount(7)
            .And.AllSatisfy(t => t.Should().Equal(["a b c d e f"], "nothing joined the first sentence's batch"));
        model.StepTexts.Should().Contain(t => t.Contains("next one"), "the freed row was used while the first sentence ran");
        while (StepOnce(planner, lanes: 2) > 0)
        {
        }

        (await job.Completion).Select(o => o.Candidates[0].Text).Should()
            .Equal("<0>a b c d e f", "<0>hi", "<0>w x y z", "<0>p q r s", "<0>next one");
    }

    [Fact]
    public void A_client_that_leaves_frees_its_rows_at_the_very_next_step()
    {
        var planner = Planner();
        using var leave = new CancellationTokenSource();
        var leaving = Job(leave.Token, "forever and ever", "forever again");
        var staying = Job(CancellationToken.None, "forever too");
        planner.Accept(leaving);
        planner.Accept(staying);
        StepOnce(planner);
        _model.ActiveRows.Should().Be(3);

        leave.Cancel();
        StepOnce(planner);

        _model.ActiveRows.Should().Be(1, "both rows of the request that left went in one step");
        leaving.Completion.IsCanceled.Should().BeTrue();
        staying.IsFinished.Should().BeFalse();
    }

    [Fact]
    public async Task A_job_past_its_token_budget_fails_and_its_rows_leave()
    {
        var planner = Planner(maxTokens: 3);
        var greedy = Job(CancellationToken.None, "forever and ever");
        planner.Accept(greedy);
        for (var i = 0; i < 4; i++)
        {
            StepOnce(planner);
        }

        var failure = (await greedy.Completion.Awaiting(c => c).Should().ThrowAsync<JobFailedException>()).Which;
        failure.Reason.Should().Be(JobFailure.TokenBudgetExceeded);
        _model.ActiveRows.Should().Be(0);
    }

    [Fact]
    public void A_lone_segment_of_each_job_is_admitted_even_when_the_batch_is_full_and_the_rest_wait_for_room()
    {
        var planner = Planner(maxRows: 2);
        var big = Job(CancellationToken.None, "forever 1", "forever 2", "forever 3", "forever 4");
        var small = Job(CancellationToken.None, "one");
        planner.Accept(big);
        StepOnce(planner);
        _model.ActiveRows.Should().Be(2, "the big job fills the free rows");

        planner.Accept(small);
        StepOnce(planner);

        _model.ActiveRows.Should().Be(3, "the small job gets its first row beyond the capacity");
        small.IsFinished.Should().BeFalse();
        StepOnce(planner);
        small.Completion.IsCompletedSuccessfully.Should().BeTrue();
        _model.ActiveRows.Should().Be(2, "the big job's other segments wait until rows free up");
    }
}
