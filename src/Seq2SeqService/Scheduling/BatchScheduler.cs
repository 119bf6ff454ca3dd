using System.Diagnostics;
using Microsoft.Extensions.Options;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// The hosted loop between the request queue and the engine, scheduling at the level of decoder steps: after
/// warming every model up it takes accepted jobs, plans their pending segments fairly into batches (joining a
/// running batch when the model's decoder allows, else as a new batch), and hands idle batches to free lanes,
/// round robin. Each lane runs one step of one batch on a pool thread (encoding that step's newcomers first) and
/// the loop goes on as soon as any lane's step ends: no lane waits for another, and when nothing runs a request
/// starts at once. On shutdown it stops admission, keeps stepping until all is done or the drain timeout passes,
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
    private const string WarmUpText = "Hello.";

    /// <summary>A few decoder steps run both the first (uncached) and the cached decoder paths.</summary>
    private const int WarmUpMaxNewTokens = 8;

    private readonly List<JobRows> _jobs = [];
    /// <summary>Running batches, in the order idle ones get a free lane.</summary>
    private readonly List<ScheduledBatch> _batches = [];
    private readonly Dictionary<Task<LaneStep>, ScheduledBatch> _stepping = [];
    private readonly Dictionary<TranslationJob, CancellationTokenSource> _rowTokens = [];
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
        // Side by side: each warm-up is a CPU-bound translation on a pool thread, and readiness waits for all.
        await Task.WhenAll(models.Models.Select(model => WarmUpAsync(model, stoppingToken)));
        readiness.MarkReady();
        LogReady(logger, models.Models.Count);
    }

    private async Task WarmUpAsync(IBatchModel model, CancellationToken stoppingToken)
    {
        var ids = model.Tokenize(WarmUpText).Ids;
        var settings = model.Defaults with { MaxNewTokens = Math.Min(WarmUpMaxNewTokens, model.Defaults.MaxNewTokens) };
        var greedy = settings with { NumBeams = 1, DoSample = false };
        var laneRows = Math.Max(1, options.Value.MaxBatchSequences / options.Value.EffectiveLanes);
        await Task.WhenAll(settings == greedy
            ? [WarmUpAsync(model, ids, greedy, laneRows, stoppingToken)]
            : [WarmUpAsync(model, ids, settings, laneRows, stoppingToken), WarmUpAsync(model, ids, greedy, laneRows, stoppingToken)]);
        readiness.MarkWarm(model.Name);
    }

    /// <summary>
    /// Runs what serving runs, on a pool thread: one row alone for a step (a lone greedy request decodes
    /// speculatively when the model has a draft), then rows joining it up to a lane's share of the batch, stepped
    /// to the end. The first requests then find the code and the runtime's buffers ready for full batches.
    /// </summary>
    private static Task WarmUpAsync(IBatchModel model, IReadOnlyList<int> ids, GenerationSettings settings, int laneRows,
        CancellationToken stoppingToken) => Task.Run(() =>
    {
        BatchSequence[] Rows(int count) => [.. Enumerable.Repeat(new BatchSequence(ids, CancellationToken.None), count)];
        using var batch = model.Start(Rows(1), settings, stoppingToken);
        var expected = 1;
        var outputs = batch.Step().Count(r => r.Output is not null);
        var joining = Math.Max(0, laneRows / JobRows.RowsOf(settings) - 1);
        if (batch.CanAdmit && joining > 0)
        {
            batch.Admit(Rows(joining), settings);
            expected += joining;
        }

        while (!batch.IsCompleted)
        {
            outputs += batch.Step().Count(r => r.Output is not null);
        }

        stoppingToken.ThrowIfCancellationRequested();
        if (outputs != expected)
        {
            throw new InvalidOperationException($"model '{model.Name}' returned no output for the warm-up text");
        }
    }, CancellationToken.None);

    private async Task ServeAsync(CancellationToken stoppingToken, CancellationTokenSource runStopping)
    {
        var drain = TimeSpan.FromSeconds(options.Value.DrainTimeoutSeconds);
        var drainDeadline = long.MaxValue;
        // Registered rather than polled: a step may be running when the stop signal comes, and its
        // rows must learn of the deadline while it runs.
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
            ReleaseFinishedJobs();
            if (_stepping.Count == 0 && stopping && ((_jobs.Count == 0 && _batches.Count == 0) || pastDeadline))
            {
                return;
            }

            var lanes = options.Value.EffectiveLanes;
            if (!pastDeadline)
            {
                Admit(lanes);
                StartSteps(lanes, runStopping.Token);
            }

            if (_stepping.Count == 0)
            {
                await WaitForWorkAsync(stoppingToken);
                continue;
            }

            // Each lane goes on as soon as its own step ends; a free lane also wakes for a new request.
            var waits = new List<Task>(_stepping.Count + 1);
            waits.AddRange(_stepping.Keys);
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

            foreach (var (task, batch) in _stepping.Where(s => s.Key.IsCompleted).ToList())
            {
                _stepping.Remove(task);
                Deliver(await task, runStopping.Token);
                // Round robin: a batch that stepped waits behind every other idle batch, so each gets the same share of steps.
                _batches.Remove(batch);
                if (!batch.Done)
                {
                    _batches.Add(batch);
                }
            }
        }
    }

    /// <summary>
    /// Hands idle batches to free lanes, in round-robin order. Every row of a stepping batch generates one token in
    /// the step; a job past its budget fails now, and its rows leave at the next step. (A job's deadline fails it by
    /// itself, from its timer; its rows leave the same way.)
    /// </summary>
    private void StartSteps(int lanes, CancellationToken runStopping)
    {
        var secondThread = _batches.Count < lanes;
        foreach (var batch in _batches)
        {
            if (_stepping.Count >= lanes)
            {
                return;
            }

            if (batch.Stepping)
            {
                continue;
            }

            foreach (var (rows, cost) in batch.RowsByJob)
            {
                rows.GeneratedTokens += cost;
                if (rows.GeneratedTokens > options.Value.MaxTokensPerRequest)
                {
                    rows.Job.Fail(JobFailure.TokenBudgetExceeded);
                }
            }

            var step = batch.TakeStep(secondThread, runStopping);
            // On a pool thread, never inline: a loop that steps its own batches never yields while rows run.
            _stepping[Task.Run(step.Run)] = batch;
        }
    }

    private void MoveAcceptedJobs()
    {
        while (queue.Reader.TryRead(out var job))
        {
            if (!job.IsFinished)
            {
                var rows = CancellationTokenSource.CreateLinkedTokenSource(job.Cancellation);
                _rowTokens[job] = rows;
                _jobs.Add(new JobRows(job, rows.Token));
            }
        }
    }

    /// <summary>Jobs that ended (done, client gone, failed) stop their remaining rows and leave the waiting list.</summary>
    private void ReleaseFinishedJobs()
    {
        for (var i = 0; i < _jobs.Count; i++)
        {
            var rows = _jobs[i];
            if (rows.Job.IsFinished || (rows.Pending.Count == 0 && rows.RunningRows == 0))
            {
                _rowTokens.Remove(rows.Job, out var token);
                token?.Cancel();
                token?.Dispose();
                _jobs.RemoveAt(i--);
            }
        }
    }

    /// <summary>
    /// Plans pending segments for the next step of a batch: a new batch while a lane has none of this model,
    /// else joining the smallest idle batch that takes joins. While every such batch is stepping, they wait for
    /// its step to end (within one step); a model whose batches take no joins starts one more batch, run
    /// interleaved with the others. The encoder runs on the lane, as part of that step.
    /// </summary>
    private void Admit(int lanes)
    {
        foreach (var model in _jobs.Where(j => j.Pending.Count > 0).Select(j => j.Job.Model).Distinct().ToList())
        {
            var ofModel = _batches.Where(b => b.Model == model).ToList();
            var target = ofModel.Count < lanes ? null
                : ofModel.Where(b => b.Joinable && !b.Stepping).MinBy(b => b.ActiveRows);
            if (target is null && ofModel.Count >= lanes && ofModel.Any(b => b.Joins))
            {
                continue;
            }

            var jobs = _jobs.Where(j => j.Job.Model == model).ToList();
            var picked = RowAdmission.Select(jobs, options.Value.MaxBatchSequences - ofModel.Sum(b => b.ActiveRows));
            foreach (var group in picked.GroupBy(p => p.Job.Job.Settings))
            {
                var items = group.ToList();
                var sequences = items
                    .Select(p => SequenceOf(p.Job, p.Segment))
                    .ToList();
                // Without a batch to join, each group of equal settings starts a batch of its own.
                var batch = target;
                if (batch is null)
                {
                    batch = new ScheduledBatch(model, metrics.StartBatch(model.Name, items.Count));
                    _batches.Add(batch);
                }

                // Taken before the step that encodes them: encoding the newcomers is work done for them, not queueing.
                var startedAt = Stopwatch.GetTimestamp();
                batch.Plan(items, sequences, group.Key);
                foreach (var job in items.Select(p => p.Job.Job).Distinct())
                {
                    if (job.OnBatchStarted(batch.ActiveRows, startedAt))
                    {
                        metrics.QueueWaited(job.QueueTime);
                    }
                }
            }
        }
    }

    private static BatchSequence SequenceOf(JobRows rows, int segment)
    {
        var job = rows.Job;
        return new BatchSequence(job.Segments[segment].InputIds, rows.RowsToken, job.ReturnAttention, job.Segments[segment].MaxNewTokens);
    }

    /// <summary>The outcome of a lane's step, handed over on the loop, one batch at a time.</summary>
    private void Deliver(LaneStep step, CancellationToken runStopping)
    {
        var running = step.Batch;
        running.StepDone(step.Started);
        if (step.Error is { } error)
        {
            var stopped = error is OperationCanceledException && runStopping.IsCancellationRequested;
            if (!stopped)
            {
                LogBatchFailed(logger, running.Model.Name, running.ActiveRows, error);
            }

            foreach (var (job, _) in running.Rows)
            {
                job.Job.Fail(stopped ? JobFailure.Stopped : JobFailure.GenerationFailed);
            }

            running.End();
            return;
        }

        foreach (var row in step.Finished)
        {
            var (job, segment) = running.Finished(row.Row);
            job.RunningRows -= job.RowCost;
            if (row.Output is { } output)
            {
                job.RowFinished(row.EncodeTime, row.DecodeTime);
                job.Job.SetOutput(segment, output);
            }
            else if (!job.Job.IsFinished && !job.Job.Cancellation.IsCancellationRequested)
            {
                // A client that left cancels its job from its own token's callback, which may still be running
                // when the rows it cancelled come back here; only rows stopped for any other reason fail the job.
                job.Job.Fail(JobFailure.Stopped);
            }
        }

        metrics.BatchRan(running.Model.Name, step.Rows);
        if (running.Batch is null or { IsCompleted: true })
        {
            running.End();
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

    private void FailLeftovers()
    {
        MoveAcceptedJobs();
        foreach (var rows in _jobs)
        {
            rows.Job.Fail(JobFailure.Stopped);
        }

        foreach (var running in _batches)
        {
            running.End();
        }

        foreach (var token in _rowTokens.Values)
        {
            token.Dispose();
        }

        _jobs.Clear();
        _batches.Clear();
        _rowTokens.Clear();
    }

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

}
