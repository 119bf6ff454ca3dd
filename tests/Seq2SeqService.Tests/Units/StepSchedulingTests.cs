using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;
using Seq2SeqService.Queue;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Seq2SeqService.Tests.Units;

/// <summary>Iteration-level scheduling with a model that steps: nobody waits for another request to finish.</summary>
public sealed class StepSchedulingTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Readiness _readiness = new();
    private readonly RequestQueue _queue = new(MsOptions.Create(new QueueOptions { Capacity = 16 }));
    private BatchScheduler? _scheduler;

    public void Dispose()
    {
        _scheduler?.Dispose();
        _services.Dispose();
    }

    private async Task<SteppingModel> StartAsync(bool joins, int maxRows = 8, long maxTokens = 1_000_000, int lanes = 1)
    {
        var model = new SteppingModel(joins);
        _scheduler = new BatchScheduler(_queue, new ScriptedCatalog(model), _readiness,
            new ServiceMetrics(_services.GetRequiredService<IMeterFactory>(), _queue),
            MsOptions.Create(new BatchingOptions
            {
                MaxBatchSequences = maxRows,
                Lanes = lanes,
                DrainTimeoutSeconds = 0,
                MaxTokensPerRequest = maxTokens,
            }),
            new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), NullLogger<BatchScheduler>.Instance);
        await _scheduler.StartAsync(CancellationToken.None);
        await Wait.UntilAsync(() => _readiness.IsReady, "ready");
        model.ResetCounts();
        return model;
    }

    private TranslationJob Enqueue(SteppingModel model, CancellationToken cancellation = default, params string[] texts) =>
        Enqueue(model, cancellation, CancellationToken.None, texts);

    private TranslationJob Enqueue(SteppingModel model, CancellationToken cancellation, CancellationToken deadline, params string[] texts)
    {
        Segment[] segments = [.. texts.Select(t => new Segment(t, model.Tokenize(t).Ids))];
        var job = new TranslationJob(model, model.Defaults, segments, cancellation, WorkEstimate.Of(segments, model.Defaults))
        {
            Deadline = deadline,
        };
        _queue.TryEnqueue(job).Should().Be(EnqueueResult.Accepted);
        return job;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_short_request_finishes_while_a_long_one_keeps_running(bool joins)
    {
        var model = await StartAsync(joins);
        var longJob = Enqueue(model, default, "this runs forever");
        var stepsBefore = model.Steps;
        await Wait.UntilAsync(() => model.Steps > stepsBefore, "the long request is stepping");

        var shortJob = Enqueue(model, default, "short");
        (await shortJob.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Single().Candidates[0].Text.Should().Be("<0>short");

        longJob.IsFinished.Should().BeFalse();
        model.BatchesStarted.Should().Be(joins ? 1 : 2, "with joins the short row joins the long one's batch, else it runs in a batch of its own");
        model.Finish();
        (await longJob.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Single().Candidates[0].Text.Should().Be("<0>this runs forever");
        await _scheduler!.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task With_two_lanes_a_newcomer_takes_the_free_lane_then_rows_join_a_running_batch()
    {
        var model = await StartAsync(joins: true, lanes: 2);
        var first = Enqueue(model, default, "this runs forever");
        var stepsBefore = model.Steps;
        await Wait.UntilAsync(() => model.Steps > stepsBefore, "the first request is stepping");

        var second = Enqueue(model, default, "runs forever too");
        await Wait.UntilAsync(() => model.BatchesStarted == 2, "the second lane's batch");
        var third = Enqueue(model, default, "short");
        (await third.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Single().Candidates[0].Text.Should().Be("<0>short");

        model.BatchesStarted.Should().Be(2, "with both lanes busy the newcomer joins a running batch");
        model.Finish();
        (await first.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Should().ContainSingle();
        (await second.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Should().ContainSingle();
        await _scheduler!.StopAsync(CancellationToken.None);
    }

    /// <summary>
    /// Lanes do not wait for each other: while one lane's step is held, a request that arrives takes the free lane
    /// at once and finishes all its steps there.
    /// </summary>
    [Fact]
    public async Task A_lane_goes_on_while_another_lanes_step_is_still_running()
    {
        var model = await StartAsync(joins: true, lanes: 2);
        var held = Enqueue(model, default, "stall");
        try
        {
            await Wait.UntilAsync(() => model.IsStalled, "the first lane's step is held");

            var other = Enqueue(model, default, "one two three four");
            (await other.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Single().Candidates[0].Text.Should().Be("<0>one two three four");

            held.IsFinished.Should().BeFalse("its step is still held");
            model.Steps.Should().Be(5, "the newcomer's five steps (four words and eos) ran while the held step had not ended");
        }
        finally
        {
            model.Unstall();
        }

        (await held.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Single().Candidates[0].Text.Should().Be("<0>stall");
        await _scheduler!.StopAsync(CancellationToken.None);
    }

    /// <summary>
    /// A batch may use a second thread (speculative decoding's draft guessing on) only while a lane would
    /// otherwise be idle: with two lanes and one batch it may; once a second batch takes the other lane, not.
    /// </summary>
    [Fact]
    public async Task A_batch_may_use_a_second_thread_only_while_a_lane_is_idle()
    {
        var model = await StartAsync(joins: true, lanes: 2);
        var first = Enqueue(model, default, "this runs forever");
        await Wait.UntilAsync(() => model.SecondThreadAllowed, "the lone batch is offered the idle lane's thread");

        var second = Enqueue(model, default, "runs forever too");
        await Wait.UntilAsync(() => model.BatchesStarted == 2 && !model.SecondThreadAllowed, "both lanes busy: no second thread");

        model.Finish();
        (await first.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Should().ContainSingle();
        (await second.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Should().ContainSingle();
        await _scheduler!.StopAsync(CancellationToken.None);
    }

    /// <summary>The warm-up runs what serving runs: one row alone, then rows joining it up to a lane's share of the batch.</summary>
    [Theory]
    [InlineData(true, 4)]
    [InlineData(false, 1)]
    public async Task The_warm_up_steps_a_lanes_share_of_rows_joining_one(bool joins, int rows)
    {
        var model = await StartAsync(joins, maxRows: 8, lanes: 2);

        model.MostRows.Should().Be(rows, "8 rows over 2 lanes, when the model takes joins");
        await _scheduler!.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Lanes_default_to_one_per_cpu() =>
        new BatchingOptions().EffectiveLanes.Should().Be(Environment.ProcessorCount);

    [Fact]
    public async Task A_request_arriving_beside_a_full_batch_still_starts_at_once()
    {
        var model = await StartAsync(joins: true, maxRows: 4);
        var big = Enqueue(model, default, [.. Enumerable.Range(0, 12).Select(i => $"forever {i}")]);
        await Wait.UntilAsync(() => model.ActiveRows == 4, "the big request fills the batch");

        var small = Enqueue(model, default, "quick one");
        await small.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        big.IsFinished.Should().BeFalse();
        model.Finish();
        (await big.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Should().HaveCount(12);
        await _scheduler!.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_disconnected_client_frees_its_rows_at_the_next_step()
    {
        var model = await StartAsync(joins: true);
        using var client = new CancellationTokenSource();
        var job = Enqueue(model, client.Token, "forever a", "forever b");
        await Wait.UntilAsync(() => model.ActiveRows == 2, "both rows run");

        client.Cancel();

        await Wait.UntilAsync(() => model.ActiveRows == 0, "the rows left the batch");
        await FluentActions.Awaiting(() => job.Completion).Should().ThrowAsync<OperationCanceledException>();
        await _scheduler!.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_request_past_its_token_budget_is_stopped_and_its_rows_leave()
    {
        var model = await StartAsync(joins: true, maxTokens: 30);
        var job = Enqueue(model, default, "forever a", "forever b");
        var other = Enqueue(model, default, "one two three");

        var failure = await FluentActions.Awaiting(() => job.Completion.WaitAsync(TimeSpan.FromSeconds(30)))
            .Should().ThrowAsync<JobFailedException>();

        failure.Which.Reason.Should().Be(JobFailure.TokenBudgetExceeded);
        (await other.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Single().Candidates[0].Text.Should().Be("<0>one two three");
        await Wait.UntilAsync(() => model.ActiveRows == 0, "the stopped rows left the batch");
        await _scheduler!.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_request_past_its_deadline_is_stopped_and_its_rows_leave_at_the_next_step()
    {
        var model = await StartAsync(joins: true);
        using var deadline = new CancellationTokenSource();
        var job = Enqueue(model, default, deadline.Token, "forever a", "forever b");
        await Wait.UntilAsync(() => model.ActiveRows == 2, "both rows run");

        await deadline.CancelAsync();

        var failure = await FluentActions.Awaiting(() => job.Completion.WaitAsync(TimeSpan.FromSeconds(30)))
            .Should().ThrowAsync<JobFailedException>();
        failure.Which.Reason.Should().Be(JobFailure.DeadlineExceeded);
        await Wait.UntilAsync(() => model.ActiveRows == 0, "the stopped rows left the batch");
        (await Enqueue(model, default, "one two").Completion.WaitAsync(TimeSpan.FromSeconds(30))).Single().Candidates[0].Text
            .Should().Be("<0>one two");
        await _scheduler!.StopAsync(CancellationToken.None);
    }
}
