using System.Diagnostics;
using Microsoft.Extensions.Options;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// The hosted loop between the request queue and the engine: warms every model up, then repeatedly moves
/// accepted jobs into its waiting room, lets the <see cref="BatchPlanner"/> pick a batch, runs it and hands
/// each row's output to its job. On shutdown it stops admission, keeps running batches until the waiting
/// room is empty or the drain timeout passes, and fails whatever is left as stopped — no accepted job is lost.
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
    private const string WarmUpText = "Hello.";

    /// <summary>A few decoder steps run both the first (uncached) and the cached decoder paths.</summary>
    private const int WarmUpMaxNewTokens = 8;

    private readonly BatchPlanner _planner = new(options.Value);
    private readonly List<WorkItem> _waiting = [];
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
            FailLeftovers();
        }
    }

    private async Task<bool> TryWarmUpAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WarmUpAsync(stoppingToken);
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

    private async Task WarmUpAsync(CancellationToken stoppingToken)
    {
        foreach (var model in models.Models)
        {
            var ids = model.Tokenize(WarmUpText).Ids;
            var settings = model.Defaults with { MaxNewTokens = Math.Min(WarmUpMaxNewTokens, model.Defaults.MaxNewTokens) };
            var output = await GenerateAsync(new Batch(model, settings,
                [new BatchSequence(ids, CancellationToken.None)]), stoppingToken);
            if (output.Rows.Count != 1 || output.Rows[0] is null)
            {
                throw new InvalidOperationException($"model '{model.Name}' returned no output for the warm-up text");
            }

            readiness.MarkWarm(model.Name);
        }

        readiness.MarkReady();
        LogReady(logger, models.Models.Count);
    }

    private async Task ServeAsync(CancellationToken stoppingToken, CancellationTokenSource runStopping)
    {
        var drain = TimeSpan.FromSeconds(options.Value.DrainTimeoutSeconds);
        var drainDeadline = long.MaxValue;
        // Registered rather than polled: a batch may be running when the stop signal comes, and its
        // rows must learn of the deadline while it runs.
        using var onStop = stoppingToken.Register(() =>
        {
            readiness.MarkStopping();
            queue.Complete();
            Volatile.Write(ref drainDeadline, Stopwatch.GetTimestamp() + (long)(drain.TotalSeconds * Stopwatch.Frequency));
            runStopping.CancelAfter(drain);
        });
        while (true)
        {
            var stopping = stoppingToken.IsCancellationRequested;
            MoveAcceptedJobsToWaitingRoom();
            if (stopping && (_waiting.Count == 0 || Stopwatch.GetTimestamp() >= Volatile.Read(ref drainDeadline)))
            {
                return;
            }

            var plan = _planner.Plan(_waiting, Stopwatch.GetTimestamp(), flush: stopping);
            if (plan.Batch.Count > 0)
            {
                foreach (var item in plan.Batch)
                {
                    _waiting.Remove(item);
                }

                await RunAsync(plan.Batch, runStopping.Token);
                continue;
            }

            await WaitForWorkAsync(plan.WaitFor, stoppingToken);
        }
    }

    private void MoveAcceptedJobsToWaitingRoom()
    {
        while (queue.Reader.TryRead(out var job))
        {
            for (var i = 0; i < job.Segments.Count; i++)
            {
                _waiting.Add(new WorkItem(job, i));
            }
        }

        _waiting.RemoveAll(item => item.Job.IsFinished);
    }

    private async Task WaitForWorkAsync(TimeSpan waitFor, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (_waiting.Count > 0)
        {
            wake.CancelAfter(waitFor);
        }

        try
        {
            await queue.Reader.WaitToReadAsync(wake.Token);
        }
        catch (OperationCanceledException)
        {
            // Either the wait for company ran out or the service is stopping; the loop tells which.
        }
    }

    private async Task RunAsync(IReadOnlyList<WorkItem> items, CancellationToken runStopping)
    {
        var first = items[0].Job;
        using var span = metrics.StartBatch(first.Model.Name, items.Count);
        var jobs = items.Select(i => i.Job).Distinct().ToList();
        var startedAt = Stopwatch.GetTimestamp();
        foreach (var job in jobs)
        {
            if (job.OnBatchStarted(items.Count, startedAt))
            {
                metrics.QueueWaited(job.QueueTime);
            }
        }

        var sequences = items
            .Select(i => new BatchSequence(i.Job.Segments[i.Index].InputIds, i.Job.Cancellation, i.Job.ReturnAttention))
            .ToList();
        BatchOutput output;
        try
        {
            output = await GenerateAsync(new Batch(first.Model, first.Settings, sequences), runStopping);
        }
        catch (OperationCanceledException) when (runStopping.IsCancellationRequested)
        {
            jobs.ForEach(job => job.Fail(JobFailure.Stopped));
            return;
        }
        catch (Exception e)
        {
            LogBatchFailed(logger, first.Model.Name, items.Count, e);
            jobs.ForEach(job => job.Fail(JobFailure.GenerationFailed));
            return;
        }

        jobs.ForEach(job => job.OnBatchFinished(output.EncodeTime, output.DecodeTime));
        long generated = 0;
        for (var row = 0; row < items.Count; row++)
        {
            var item = items[row];
            if (output.Rows[row] is { } result)
            {
                generated += result.Candidates.Sum(c => c.OutputTokens);
                item.Job.SetOutput(item.Index, result);
            }
            else if (!item.Job.IsFinished)
            {
                item.Job.Fail(JobFailure.Stopped);
            }
        }

        metrics.BatchRan(first.Model.Name, items.Count, generated);
        LogBatch(logger, first.Model.Name, items.Count, generated, output.EncodeTime.TotalMilliseconds,
            output.DecodeTime.TotalMilliseconds);
    }

    private void FailLeftovers()
    {
        MoveAcceptedJobsToWaitingRoom();
        foreach (var job in _waiting.Select(i => i.Job).Distinct())
        {
            job.Fail(JobFailure.Stopped);
        }

        _waiting.Clear();
    }

    /// <summary>Runs a batch on a pool thread: generation is synchronous and CPU-bound, the loop must not block.</summary>
    private static Task<BatchOutput> GenerateAsync(Batch batch, CancellationToken stopping) =>
        Task.Run(() => batch.Model.Generate(batch.Sequences, batch.Settings, stopping), CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: draining the accepted requests")]
    private static partial void LogDraining(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained: every accepted request is answered")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up done; {ModelCount} model(s) ready")]
    private static partial void LogReady(ILogger logger, int modelCount);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Warm-up translation failed: {Reason}")]
    private static partial void LogWarmUpFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Batch of {BatchSize} on {Model} failed")]
    private static partial void LogBatchFailed(ILogger logger, string model, int batchSize, Exception error);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Batch of {BatchSize} on {Model}: {GeneratedTokens} tokens, encode {EncodeMs:0.0} ms, decode {DecodeMs:0.0} ms")]
    private static partial void LogBatch(ILogger logger, string model, int batchSize, long generatedTokens,
        double encodeMs, double decodeMs);
}
