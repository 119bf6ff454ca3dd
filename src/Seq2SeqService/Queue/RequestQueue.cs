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
/// The bounded hand-off between the translation service and the scheduler. Admission counts unfinished jobs, so a job that
/// completes or is cancelled frees its slot at once, even while it still sits in the channel; the channel is
/// bounded at twice the capacity so such dead entries cannot grow memory without limit.
/// </summary>
public sealed class RequestQueue : IJobSource, IQueueDepth
{
    private readonly Channel<TranslationJob> _channel;
    private readonly int _capacity;
    private int _admitted;
    private int _waiting;
    private volatile bool _stopping;

    public RequestQueue(IOptions<QueueOptions> options)
    {
        _capacity = options.Value.Capacity;
        _channel = Channel.CreateBounded<TranslationJob>(new BoundedChannelOptions(2 * _capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Jobs accepted and not yet finished (waiting or running).</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Jobs accepted and not yet started by any batch.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

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

        Interlocked.Increment(ref _waiting);
        job.LeftWaiting += () => Interlocked.Decrement(ref _waiting);
        job.Finishing += () => Interlocked.Decrement(ref _admitted);

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
