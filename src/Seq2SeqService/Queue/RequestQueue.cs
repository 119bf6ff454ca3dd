using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;
using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Queue;

/// <summary>Outcome of offering a job to the queue.</summary>
public enum EnqueueResult
{
    Accepted,
    Full,
    Stopping,
}

/// <summary>
/// The bounded hand-off between the translation service and the scheduler. Admission counts the estimated work of unfinished
/// jobs (<see cref="TranslationJob.Work"/>) against <see cref="QueueOptions.MaxQueuedWork"/>, and their number
/// against <see cref="QueueOptions.Capacity"/>; large jobs (over <see cref="QueueOptions.LargeJobShare"/> of the work budget) together
/// hold at most <see cref="QueueOptions.LargeRequestShare"/> of it, so short requests are admitted while big ones run. A job that completes or is cancelled frees both at once, even
/// while it still sits in the channel, which is bounded at twice the capacity so such dead entries cannot grow
/// memory without limit. How fast work has been finishing tells a refused client when to come back.
/// </summary>
public sealed class RequestQueue : IJobSource, IQueueDepth
{
    private static readonly TimeSpan LongestRetryAfter = TimeSpan.FromMinutes(2);

    private readonly Channel<TranslationJob> _channel;
    private readonly int _capacity;
    private readonly long _maxWork;
    private readonly TimeSpan _shortestRetryAfter;
    private readonly DrainRate _drainRate = new(TimeSpan.FromSeconds(10));
    private readonly long _largeJob;
    private readonly long _largeBudget;
    private long _admittedWork;
    private long _largeWork;
    private int _admitted;
    private long _accepted;
    private int _waiting;
    private volatile bool _stopping;

    public RequestQueue(IOptions<QueueOptions> options)
    {
        _capacity = options.Value.Capacity;
        _maxWork = options.Value.MaxQueuedWork;
        _largeJob = (long)(_maxWork * QueueOptions.LargeJobShare);
        _largeBudget = (long)(_maxWork * QueueOptions.LargeRequestShare);
        _shortestRetryAfter = TimeSpan.FromSeconds(options.Value.RetryAfterSeconds);
        _channel = Channel.CreateBounded<TranslationJob>(new BoundedChannelOptions(2 * _capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Jobs accepted and not yet finished (waiting or running).</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Jobs accepted since start, refused ones not counted.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Jobs accepted and not yet started by any batch.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Estimated work of the jobs accepted and not yet finished.</summary>
    public long AdmittedWork => Interlocked.Read(ref _admittedWork);

    /// <summary>
    /// When a job of <paramref name="work"/> refused for want of room may come back: the time, at the recent drain rate,
    /// for the work that must finish before it fits (<see cref="WorkBefore"/>), within [the configured minimum, 2 min].
    /// Not the whole backlog: a one-sentence request needs one job's room, not an empty queue.
    /// </summary>
    public TimeSpan RetryAfterFor(long work) =>
        _drainRate.TimeFor(WorkBefore(work, AdmittedWork, Admitted, Interlocked.Read(ref _largeWork)),
            _shortestRetryAfter, LongestRetryAfter, Stopwatch.GetTimestamp());

    /// <summary>
    /// The admitted work that must finish before a job of <paramref name="work"/> fits: what it puts over the work
    /// budget (or over the large jobs' share, for a large job; everything, for a job over the whole budget, which runs
    /// alone), and at least one average job's when the queue is full by count.
    /// </summary>
    internal long WorkBefore(long work, long admittedWork, int admitted, long largeWork)
    {
        var before = work > _maxWork ? admittedWork : admittedWork + work - _maxWork;
        if (work > _largeJob && work <= _maxWork && largeWork > 0)
        {
            // A large job alone among large ones is admitted whatever its size, so no more than all of them must finish.
            before = Math.Max(before, Math.Min(largeWork, largeWork + work - _largeBudget));
        }

        if (admitted >= _capacity && admitted > 0)
        {
            before = Math.Max(before, admittedWork / admitted);
        }

        return Math.Max(0, before);
    }

    /// <summary>When a client refused while the service stops should retry (elsewhere, or after a restart): the admitted work at the recent drain rate, at least the configured minimum.</summary>
    public TimeSpan RetryAfter =>
        _drainRate.TimeFor(AdmittedWork, _shortestRetryAfter, LongestRetryAfter, Stopwatch.GetTimestamp());

    public ChannelReader<TranslationJob> Reader => _channel.Reader;

    public EnqueueResult TryEnqueue(TranslationJob job)
    {
        if (_stopping)
        {
            return EnqueueResult.Stopping;
        }

        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return EnqueueResult.Full;
        }

        // A job bigger than the whole budget still runs when it has the queue to itself, so no request that
        // passed the per-request limit is refused for ever.
        var admittedWork = Interlocked.Add(ref _admittedWork, job.Work);
        if (admittedWork > _maxWork && admittedWork != job.Work)
        {
            Interlocked.Add(ref _admittedWork, -job.Work);
            Interlocked.Decrement(ref _admitted);
            return EnqueueResult.Full;
        }

        // Large jobs together hold at most their share of the budget, so the rest always admits short requests.
        var large = job.Work > _largeJob;
        if (large && Interlocked.Add(ref _largeWork, job.Work) is var largeWork && largeWork > _largeBudget && largeWork != job.Work)
        {
            Interlocked.Add(ref _largeWork, -job.Work);
            Interlocked.Add(ref _admittedWork, -job.Work);
            Interlocked.Decrement(ref _admitted);
            return EnqueueResult.Full;
        }

        Interlocked.Increment(ref _accepted);
        Interlocked.Increment(ref _waiting);
        job.LeftWaiting += () => Interlocked.Decrement(ref _waiting);
        job.Finishing += () =>
        {
            Interlocked.Decrement(ref _admitted);
            Interlocked.Add(ref _admittedWork, -job.Work);
            if (large)
            {
                Interlocked.Add(ref _largeWork, -job.Work);
            }
        };
        job.Completion.ContinueWith(_ => _drainRate.Finished(job.Work, Stopwatch.GetTimestamp()),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

        if (!_channel.Writer.TryWrite(job))
        {
            job.Fail(JobFailure.Refused);
            return _stopping ? EnqueueResult.Stopping : EnqueueResult.Full;
        }

        job.WatchCancellation();
        return EnqueueResult.Accepted;
    }

    /// <summary>Stops admitting jobs; the scheduler drains what is left.</summary>
    public void Complete()
    {
        _stopping = true;
        _channel.Writer.TryComplete();
    }
}
