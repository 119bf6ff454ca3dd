using System.Diagnostics;
using Microsoft.Extensions.Options;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// The hosted loop between the request queue and the engine, scheduling at the level of decoder steps: after
/// warming every model up (<see cref="ModelWarmUp"/>) it takes accepted jobs and lets the <see cref="StepPlanner"/>
/// plan their pending segments fairly into batches and hand idle batches to free lanes, round robin. Each lane runs
/// one step of one batch on its own thread (<see cref="LaneThreads"/>; encoding that step's newcomers first) and the loop goes on as soon as any
/// lane's step ends: no lane waits for another, and when nothing runs a request starts at once. On shutdown it stops admission, keeps stepping until all is done or the drain timeout passes,
/// and fails whatever is left as stopped — no accepted job is lost.
/// The drain runs in <see cref="StoppingAsync"/>, which the host awaits before it stops any hosted service,
/// the web server included: the listener stays open (refusing new work) until every accepted job is answered.
/// </summary>
public sealed partial class BatchScheduler(
    IJobSource queue,
    IBatchModels models,
    Readiness readiness,
    ServiceMetrics metrics,
    IOptions<BatchingOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<BatchScheduler> logger) : BackgroundService, IHostedLifecycleService
{
    private readonly StepPlanner _planner = new(metrics, options.Value, logger);
    private readonly List<Task<LaneStep>> _stepping = [];
    private readonly CancellationTokenSource _drainRequested = new();

    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Starts the drain and waits for it; the token is the host's shutdown timeout.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // Readiness and admission change here too, in case the loop is still warming up.
        readiness.MarkStopping();
        queue.Complete();
        await _drainRequested.CancelAsync();
        LogDraining(logger);
        if (ExecuteTask is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        LogDrained(logger);
    }

    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Dispose()
    {
        _drainRequested.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken hostStopping)
    {
        using var runStopping = new CancellationTokenSource();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, _drainRequested.Token);
        var stoppingToken = stopping.Token;
        try
        {
            if (await TryWarmUpAsync(stoppingToken))
            {
                await ServeAsync(stoppingToken, runStopping);
            }
        }
        finally
        {
            queue.Complete();
            MoveAcceptedJobs();
            _planner.FailAll();
        }
    }

    private async Task<bool> TryWarmUpAsync(CancellationToken stoppingToken)
    {
        try
        {
            var laneRows = Math.Max(1, options.Value.MaxBatchSequences / options.Value.EffectiveLanes);
            await ModelWarmUp.RunAsync(models, laneRows, readiness.MarkWarm, stoppingToken);
            readiness.MarkReady();
            LogReady(logger, models.Models.Count);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            LogWarmUpFailed(logger, e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            return false;
        }
    }

    private async Task ServeAsync(CancellationToken stoppingToken, CancellationTokenSource runStopping)
    {
        var drain = TimeSpan.FromSeconds(options.Value.DrainTimeoutSeconds);
        var drainDeadline = long.MaxValue;
        // Registered rather than polled: a step may be running when the stop signal comes, and its
        // batch must learn of the deadline while it runs.
        using var laneThreads = new LaneThreads(options.Value.EffectiveLanes);
        using var onStop = stoppingToken.Register(() =>
        {
            readiness.MarkStopping();
            queue.Complete();
            Volatile.Write(ref drainDeadline, Stopwatch.GetTimestamp() + (long)(drain.TotalSeconds * Stopwatch.Frequency));
            runStopping.CancelAfter(drain);
        });
        Task<bool>? arrival = null;
        while (true)
        {
            var stopping = stoppingToken.IsCancellationRequested;
            var pastDeadline = stopping && Stopwatch.GetTimestamp() >= Volatile.Read(ref drainDeadline);
            MoveAcceptedJobs();
            _planner.ReleaseFinishedJobs();
            if (_stepping.Count == 0 && stopping && (_planner.IsIdle || pastDeadline))
            {
                return;
            }

            var lanes = options.Value.EffectiveLanes;
            if (!pastDeadline)
            {
                _planner.Plan(lanes);
                // On a lane's own thread, never inline: a loop that steps its own batches never yields while rows run.
                _stepping.AddRange(_planner.TakeSteps(lanes, runStopping.Token).Select(laneThreads.Run));
            }

            if (_stepping.Count == 0)
            {
                await WaitForWorkAsync(stoppingToken);
                continue;
            }

            // Each lane goes on as soon as its own step ends; a free lane also wakes for a new request.
            var waits = new List<Task>(_stepping);
            if (_stepping.Count < lanes && !stopping)
            {
                arrival ??= queue.Reader.WaitToReadAsync(CancellationToken.None).AsTask();
                waits.Add(arrival);
            }

            await Task.WhenAny(waits);
            if (arrival is { IsCompleted: true })
            {
                arrival = null;
            }

            foreach (var done in _stepping.Where(s => s.IsCompleted).ToList())
            {
                _stepping.Remove(done);
                _planner.Apply(await done, runStopping.Token);
            }
        }
    }

    private void MoveAcceptedJobs()
    {
        while (queue.Reader.TryRead(out var job))
        {
            _planner.Accept(job);
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await queue.Reader.WaitToReadAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // The service is stopping; the loop drains what is left.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: draining the accepted requests")]
    private static partial void LogDraining(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained: every accepted request is answered")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up done; {ModelCount} model(s) ready")]
    private static partial void LogReady(ILogger logger, int modelCount);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Warm-up translation failed: {Reason}")]
    private static partial void LogWarmUpFailed(ILogger logger, string reason);
}
