using System.Diagnostics;
using Microsoft.Extensions.Options;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// The hosted loop between the request queue and the engine, scheduling at the level of decoder steps:
/// after warming every model up it repeats rounds of (take accepted jobs; admit pending segments, fairly,
/// into running batches — joining them when the model's decoder allows, else as new batches; run one step
/// of every running batch; hand finished rows to their jobs). Nothing waits for a batch to finish, and when
/// nothing runs a request starts at once. On shutdown it stops admission, keeps stepping until all is done
/// or the drain timeout passes, and fails whatever is left as stopped — no accepted job is lost.
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
    private readonly List<RunningBatch> _batches = [];
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

        // A lone greedy request takes another path (speculative decoding, when the model has a draft): warm it too.
        var greedy = settings with { NumBeams = 1, DoSample = false };
        await Task.WhenAll(settings == greedy
            ? [WarmUpAsync(model, ids, settings, stoppingToken)]
            : [WarmUpAsync(model, ids, settings, stoppingToken), WarmUpAsync(model, ids, greedy, stoppingToken)]);
        readiness.MarkWarm(model.Name);
    }

    private async Task WarmUpAsync(IBatchModel model, IReadOnlyList<int> ids, GenerationSettings settings, CancellationToken stoppingToken)
    {
        var output = await GenerateAsync(new Batch(model, settings,
            [new BatchSequence(ids, CancellationToken.None)]), stoppingToken);
        if (output.Rows.Count != 1 || output.Rows[0] is null)
        {
            throw new InvalidOperationException($"model '{model.Name}' returned no output for the warm-up text");
        }
    }

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
        while (true)
        {
            var stopping = stoppingToken.IsCancellationRequested;
            MoveAcceptedJobs();
            ReleaseFinishedJobs();
            if (stopping && ((_jobs.Count == 0 && _batches.Count == 0) || Stopwatch.GetTimestamp() >= Volatile.Read(ref drainDeadline)))
            {
                return;
            }

            Admit(runStopping.Token);
            if (_batches.Count == 0)
            {
                await WaitForWorkAsync(stoppingToken);
                continue;
            }

            // Every running batch takes one step per round, so each row gets the same share of steps; up to
            // Lanes batches step at once, each on its own thread.
            ChargeTokens();
            var lanes = options.Value.EffectiveLanes;
            for (var i = 0; i < _batches.Count; i += lanes)
            {
                var group = _batches.Skip(i).Take(lanes).ToList();
                group.ForEach(b => b.Batch.AllowSecondThread(_batches.Count < lanes));
                // Each step on a pool thread, never inline: a loop that steps its own batches never yields while
                // rows run, and held a pool thread busy without pause in the scheduling tests.
                var steps = await Task.WhenAll(group.Select(b => Task.Run(() => RunStep(b))));
                for (var g = 0; g < group.Count; g++)
                {
                    Deliver(group[g], steps[g], runStopping.Token);
                }
            }

            _batches.RemoveAll(b => b.Done);
        }
    }

    /// <summary>
    /// Every running row generates one token in the round about to run; a job past its budget fails now, and its
    /// rows leave at the next step. (A job's deadline fails it by itself, from its timer; its rows leave the same way.)
    /// </summary>
    private void ChargeTokens()
    {
        foreach (var rows in _jobs)
        {
            rows.GeneratedTokens += rows.RunningRows;
            if (rows.GeneratedTokens > options.Value.MaxTokensPerRequest)
            {
                rows.Job.Fail(JobFailure.TokenBudgetExceeded);
            }
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
    /// Starts pending segments at this step boundary: into a running batch of their model when it takes
    /// joins, else as a new batch that runs interleaved with the others.
    /// </summary>
    private void Admit(CancellationToken runStopping)
    {
        foreach (var model in _jobs.Where(j => j.Pending.Count > 0).Select(j => j.Job.Model).Distinct().ToList())
        {
            var running = _batches.Where(b => b.Model == model).Sum(b => b.Batch.ActiveRows);
            var jobs = _jobs.Where(j => j.Job.Model == model).ToList();
            var picked = RowAdmission.Select(jobs, options.Value.MaxBatchSequences - running);
            foreach (var group in picked.GroupBy(p => p.Job.Job.Settings))
            {
                var items = group.ToList();
                var sequences = items
                    .Select(p => new BatchSequence(p.Job.Job.Segments[p.Segment].InputIds, p.Job.RowsToken, p.Job.Job.ReturnAttention))
                    .ToList();
                // With several lanes, each lane gets a batch before rows join the smallest one.
                var ofModel = _batches.Where(b => b.Model == model).ToList();
                var target = ofModel.Count < options.Value.EffectiveLanes ? null
                    : ofModel.Where(b => b.Batch.CanAdmit).MinBy(b => b.Batch.ActiveRows);
                // Taken before the batch starts: encoding the newcomers is work done for them, not queueing.
                var startedAt = Stopwatch.GetTimestamp();
                try
                {
                    if (target is null)
                    {
                        target = new RunningBatch(model, model.Start(sequences, group.Key, runStopping),
                            metrics.StartBatch(model.Name, items.Count));
                        _batches.Add(target);
                    }
                    else
                    {
                        target.Batch.Admit(sequences, group.Key);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogBatchFailed(logger, model.Name, items.Count, e);
                    items.ForEach(p => p.Job.Job.Fail(JobFailure.GenerationFailed));
                    continue;
                }

                target.Rows.AddRange(items);
                foreach (var job in items.Select(p => p.Job.Job).Distinct())
                {
                    if (job.OnBatchStarted(target.Batch.ActiveRows, startedAt))
                    {
                        metrics.QueueWaited(job.QueueTime);
                    }
                }
            }
        }
    }

    /// <summary>One step of one batch, on a pool thread; the outcome is handed over on the loop, one batch at a time.</summary>
    private static StepOutcome RunStep(RunningBatch running)
    {
        var rows = running.Batch.ActiveRows;
        try
        {
            return new StepOutcome(rows, running.Batch.Step(), null);
        }
        catch (Exception e)
        {
            return new StepOutcome(rows, [], e);
        }
    }

    private void Deliver(RunningBatch running, StepOutcome step, CancellationToken runStopping)
    {
        if (step.Error is { } error)
        {
            var stopped = error is OperationCanceledException && runStopping.IsCancellationRequested;
            if (!stopped)
            {
                LogBatchFailed(logger, running.Model.Name, step.Rows, error);
            }

            foreach (var (job, _) in running.Rows)
            {
                job.Job.Fail(stopped ? JobFailure.Stopped : JobFailure.GenerationFailed);
            }

            running.End();
            return;
        }

        long generated = 0;
        foreach (var row in step.Finished)
        {
            var (job, segment) = running.Rows[row.Row];
            job.RunningRows -= job.RowCost;
            if (row.Output is { } output)
            {
                generated += output.Candidates.Sum(c => c.OutputTokens);
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

        metrics.BatchRan(running.Model.Name, step.Rows, generated);
        if (running.Batch.IsCompleted)
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

    /// <summary>A batch in progress and, by row number, the job segment each row translates.</summary>
    private sealed class RunningBatch(IBatchModel model, IRunningBatch batch, Activity? span)
    {
        /// <summary>The batch's trace span, from its start to its last step.</summary>
        public Activity? Span { get; } = span;

        public IBatchModel Model { get; } = model;

        public IRunningBatch Batch { get; } = batch;

        public List<(JobRows Job, int Segment)> Rows { get; } = [];

        public bool Done { get; private set; }

        public void End()
        {
            Batch.Dispose();
            Span?.Dispose();
            Done = true;
        }
    }

    private sealed record StepOutcome(int Rows, IReadOnlyList<FinishedRow> Finished, Exception? Error);

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

}
