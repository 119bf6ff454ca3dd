using Seq2Seq.Inference.Runtime;
using Seq2SeqService.Metrics;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// Gives memory back once the service has gone idle after work: the engine's idle cache buffers, then one full
/// compacting collection that returns the freed heap to the system. .NET collects only when something allocates,
/// so without this the heap a burst of load grew (pinned cache buffers, buffers of refused requests) stays
/// resident for as long as the service stays quiet (measured in docs/reliability.md#memory).
/// </summary>
public sealed class IdleMemoryRelease(IQueueDepth queue, TimeProvider time) : BackgroundService
{
    /// <summary>The check's period: memory goes back after a whole period with nothing accepted and nothing running.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    private long _released;
    private long _quietAt = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _released = queue.Accepted;
        using var timer = new PeriodicTimer(Period, time);
        while (await NextTickAsync(timer, stoppingToken))
        {
            if (Tick(queue.Admitted, queue.Accepted))
            {
                IdleMemory.Release();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }
        }
    }

    /// <summary>
    /// One check, given the jobs running or waiting and the jobs accepted so far: true when memory should go back now,
    /// which happens once per stretch of work, a whole period after the last job finished.
    /// </summary>
    internal bool Tick(int admitted, long accepted)
    {
        if (admitted > 0 || accepted == _released)
        {
            _quietAt = -1;
            return false;
        }

        if (_quietAt != accepted)
        {
            _quietAt = accepted;
            return false;
        }

        _released = accepted;
        return true;
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
