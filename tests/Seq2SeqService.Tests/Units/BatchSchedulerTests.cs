using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
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

/// <summary>The scheduler's lifecycle on its own, without a web server: warm-up, readiness, shutdown.</summary>
public sealed class BatchSchedulerTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ScriptedModel _model = new();
    private readonly BatchGate _gate = new();
    private readonly ITranslationModel _gatedModel;
    private readonly Readiness _readiness = new();
    private readonly RequestQueue _queue = new(MsOptions.Create(new QueueOptions { Capacity = 8 }));
    private readonly BatchScheduler _scheduler;

    public BatchSchedulerTests()
    {
        var metrics = new ServiceMetrics(_services.GetRequiredService<IMeterFactory>(), _queue);
        _gatedModel = _gate.Wrap(_model);
        _scheduler = new BatchScheduler(_queue, new ScriptedCatalog(_gatedModel), _readiness, metrics,
            MsOptions.Create(new BatchingOptions { DrainTimeoutSeconds = 0, Lanes = 1 }),
            new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), NullLogger<BatchScheduler>.Instance);
    }

    public void Dispose()
    {
        _scheduler.Dispose();
        _services.Dispose();
    }

    private TranslationJob Job(string text, ITranslationModel? model = null)
    {
        Segment[] segments = [new Segment(text, _model.Tokenize(text).Ids)];
        return new(model ?? _gatedModel, _model.Defaults, segments, CancellationToken.None,
            WorkEstimate.Of(segments, _model.Defaults));
    }

    [Fact]
    public async Task Becomes_ready_only_after_the_warm_up_translation_ran()
    {
        await _scheduler.StartAsync(CancellationToken.None);
        var warmUp = await _gate.NextStartedAsync();
        _readiness.IsReady.Should().BeFalse();

        _gate.Release();
        await Wait.UntilAsync(() => _readiness.IsReady, "ready");
        warmUp.Sequences.Should().ContainSingle();
        await _scheduler.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Steps_run_on_the_lanes_own_threads_and_leave_the_thread_pool_to_requests()
    {
        await _scheduler.StartAsync(CancellationToken.None);
        await _gate.NextStartedAsync();
        _gate.Release();
        var job = Job("running");
        _queue.TryEnqueue(job).Should().Be(EnqueueResult.Accepted);

        var step = await _gate.NextStartedAsync();
        _gate.Release();
        await job.Completion;

        _gate.RanOnPoolThread(step).Should().BeFalse();
        await _scheduler.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stopping_refuses_new_work_and_fails_every_accepted_job_as_stopped()
    {
        await _scheduler.StartAsync(CancellationToken.None);
        await _gate.NextStartedAsync();
        _gate.Release();
        var running = Job("running");
        _queue.TryEnqueue(running).Should().Be(EnqueueResult.Accepted);
        await _gate.NextStartedAsync();
        var queued = Job("queued");
        _queue.TryEnqueue(queued).Should().Be(EnqueueResult.Accepted);

        await _scheduler.StopAsync(CancellationToken.None);

        _readiness.IsReady.Should().BeFalse();
        _readiness.Status.Should().Be("stopping");
        _queue.TryEnqueue(Job("late")).Should().Be(EnqueueResult.Stopping);
        foreach (var job in new[] { running, queued })
        {
            var failure = await FluentActions.Awaiting(() => job.Completion).Should().ThrowAsync<JobFailedException>();
            failure.Which.Reason.Should().Be(JobFailure.Stopped);
        }

        _queue.Admitted.Should().Be(0);
    }

    [Fact]
    public async Task Stopping_with_time_to_drain_finishes_queued_work()
    {
        var drainingScheduler = new BatchScheduler(_queue, new ScriptedCatalog(_model), _readiness,
            new ServiceMetrics(_services.GetRequiredService<IMeterFactory>(), _queue),
            MsOptions.Create(new BatchingOptions { DrainTimeoutSeconds = 30, Lanes = 1 }),
            new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), NullLogger<BatchScheduler>.Instance);
        await drainingScheduler.StartAsync(CancellationToken.None);
        await Wait.UntilAsync(() => _readiness.IsReady, "ready");
        var job = Job("drained", _model);
        _queue.TryEnqueue(job).Should().Be(EnqueueResult.Accepted);

        await drainingScheduler.StopAsync(CancellationToken.None);

        (await job.Completion).Single().Candidates[0].Text.Should().Be("<0>drained");
        drainingScheduler.Dispose();
    }
}
