using System.Diagnostics;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// The scheduler's decisions, without threads: which jobs wait (<see cref="Accept"/>), which of their segments join
/// which batch (<see cref="Plan"/>), which idle batches step next (<see cref="TakeSteps"/>), and what a finished
/// step means for its rows' jobs (<see cref="Apply"/>). <see cref="BatchScheduler"/> runs the steps on lanes; a
/// test can run them inline and check every decision.
/// </summary>
internal sealed partial class StepPlanner(ServiceMetrics metrics, BatchingOptions options, ILogger logger)
{
    private readonly List<JobRows> _jobs = [];

    /// <summary>Running batches, in the order idle ones get a free lane.</summary>
    private readonly List<ScheduledBatch> _batches = [];

    /// <summary>Whether no job waits and no batch runs.</summary>
    public bool IsIdle => _jobs.Count == 0 && _batches.Count == 0;

    public void Accept(TranslationJob job)
    {
        if (!job.IsFinished)
        {
            _jobs.Add(new JobRows(job));
        }
    }

    /// <summary>
    /// Jobs that ended (done, client gone, failed) leave the waiting list; their rows still in a batch leave at its
    /// next step, by their job's <see cref="TranslationJob.RowsCancellation"/>.
    /// </summary>
    public void ReleaseFinishedJobs() =>
        _jobs.RemoveAll(rows => rows.Job.IsFinished || (rows.Pending.Count == 0 && rows.RunningRows == 0));

    /// <summary>
    /// Plans pending segments for the next step of a batch: a new batch while a lane has none of this model,
    /// else joining the smallest idle batch that takes joins. While every such batch is stepping, they wait for
    /// its step to end (within one step); a model whose batches take no joins starts one more batch, run
    /// interleaved with the others. The encoder runs on the lane, as part of that step.
    /// </summary>
    public void Plan(int lanes)
    {
        foreach (var model in _jobs.Where(j => j.Pending.Count > 0).Select(j => j.Job.Model.Engine).Distinct().ToList())
        {
            var ofModel = _batches.Where(b => b.Model.Engine == model).ToList();
            var target = ofModel.Count < lanes ? null
                : ofModel.Where(b => b.Joinable && !b.Stepping).MinBy(b => b.ActiveRows);
            if (target is null && ofModel.Count >= lanes && ofModel.Any(b => b.Joins))
            {
                continue;
            }

            var jobs = _jobs.Where(j => j.Job.Model.Engine == model).ToList();
            var picked = RowAdmission.Select(jobs, options.MaxBatchSequences - ofModel.Sum(b => b.ActiveRows),
                ((long)options.MaxCacheMegabytes << 20) - ofModel.Sum(b => b.CacheBytes), ofModel.Any(b => b.Rows.Count > 0));
            foreach (var group in picked.GroupBy(p => p.Job.Job.Settings))
            {
                var rows = group.ToList();
                if (target is not null)
                {
                    PlanInto(target, rows, group.Key);
                    continue;
                }

                // Without a batch to join, each group of equal settings starts a batch of its own. With two lanes free,
                // the first row starts alone on one: the earliest sentence (a stream's first event) comes back as fast
                // as a lone request, and the rest fill the other lane instead of leaving it idle. Rows freed later join
                // the other batch, never the solo one, or they would slow the first sentence by their encoder and rows.
                if (rows.Count > 1 && lanes - ofModel.Count >= 2)
                {
                    ofModel.Add(PlanInto(null, rows[..1], group.Key, solo: true));
                    rows = rows[1..];
                }

                ofModel.Add(PlanInto(null, rows, group.Key));
            }
        }
    }

    /// <summary>Plans rows into <paramref name="batch"/>, or into a new batch when it is <see langword="null"/>
    /// (<see cref="ScheduledBatch.Solo"/> when <paramref name="solo"/>).</summary>
    private ScheduledBatch PlanInto(ScheduledBatch? batch, List<SegmentRow> rows, GenerationSettings settings, bool solo = false)
    {
        var model = rows[0].Job.Job.Model;
        if (batch is null)
        {
            batch = new ScheduledBatch(model, metrics.StartBatch(model.Name, rows.Count), solo);
            _batches.Add(batch);
        }

        // Taken before the step that encodes them: encoding the newcomers is work done for them, not queueing.
        var startedAt = Stopwatch.GetTimestamp();
        batch.Plan(rows, settings);
        foreach (var job in rows.Select(r => r.Job.Job).Distinct())
        {
            if (job.OnBatchStarted(batch.ActiveRows, startedAt))
            {
                metrics.QueueWaited(job.QueueTime);
            }
        }

        return batch;
    }

    /// <summary>
    /// Hands idle batches to free lanes, in round-robin order, while fewer than <paramref name="lanes"/> step. Every
    /// row of a stepping batch generates one token in the step; a job past its budget fails now, and its rows leave
    /// at the next step. (A job's deadline fails it by itself, from its timer; its rows leave the same way.)
    /// </summary>
    public List<LaneStep> TakeSteps(int lanes, CancellationToken runStopping)
    {
        var steps = new List<LaneStep>();
        var stepping = _batches.Count(b => b.Stepping);
        var secondThread = _batches.Count < lanes;
        foreach (var batch in _batches)
        {
            if (stepping + steps.Count >= lanes)
            {
                break;
            }

            if (batch.Stepping)
            {
                continue;
            }

            foreach (var row in batch.Rows)
            {
                row.Job.GeneratedTokens += row.Cost;
                if (row.Job.GeneratedTokens > options.MaxTokensPerRequest)
                {
                    row.Job.Job.Fail(JobFailure.TokenBudgetExceeded);
                }
            }

            steps.Add(batch.TakeStep(secondThread, runStopping));
        }

        return steps;
    }

    /// <summary>
    /// The outcome of a lane's step, applied on the loop: the rows that ended go to their jobs, a failed step fails
    /// every job with a row in it, and the batch goes to the back of the round robin (or ends).
    /// </summary>
    public void Apply(LaneStep step, CancellationToken runStopping)
    {
        var batch = step.Batch;
        batch.StepDone(step.Started);
        _batches.Remove(batch);
        if (step.Error is { } error)
        {
            var stopped = error is OperationCanceledException && runStopping.IsCancellationRequested;
            if (!stopped)
            {
                LogBatchFailed(logger, batch.Model.Name, batch.ActiveRows, error);
            }

            foreach (var row in batch.Rows)
            {
                row.Job.Job.Fail(stopped ? JobFailure.Stopped : JobFailure.GenerationFailed);
            }

            batch.End();
            return;
        }

        foreach (var finished in step.Finished)
        {
            var row = (SegmentRow)finished.Row;
            batch.Remove(row);
            row.Finish(finished);
        }

        metrics.BatchRan(batch.Model.Name, step.Rows);
        metrics.StepRan(batch.Model.Name, step.Duration);
        if (batch.Batch is null or { IsCompleted: true })
        {
            batch.End();
        }
        else
        {
            // Round robin: a batch that stepped waits behind every other idle batch, so each gets the same share of steps.
            _batches.Add(batch);
        }
    }

    /// <summary>Fails every job left as stopped and ends every batch (the drain is over).</summary>
    public void FailAll()
    {
        foreach (var rows in _jobs)
        {
            rows.Job.Fail(JobFailure.Stopped);
        }

        foreach (var batch in _batches)
        {
            batch.End();
        }

        _jobs.Clear();
        _batches.Clear();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Batch of {BatchSize} on {Model} failed")]
    private static partial void LogBatchFailed(ILogger logger, string model, int batchSize, Exception error);
}
