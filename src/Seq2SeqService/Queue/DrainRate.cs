using System.Diagnostics;

namespace Seq2SeqService.Queue;

/// <summary>
/// How fast the service has been finishing work over the last few seconds, so a refused client can be told
/// how long the backlog will take rather than a fixed guess.
/// </summary>
public sealed class DrainRate(TimeSpan window)
{
    private readonly Queue<(long At, long Work)> _finished = new();
    private readonly object _lock = new();
    private long _inWindow;

    public void Finished(long work, long timestamp)
    {
        lock (_lock)
        {
            _finished.Enqueue((timestamp, work));
            _inWindow += work;
            Prune(timestamp);
        }
    }

    /// <summary>Work finished per second over the window; 0 when nothing finished in it.</summary>
    public double PerSecond(long timestamp)
    {
        lock (_lock)
        {
            Prune(timestamp);
            return _inWindow / window.TotalSeconds;
        }
    }

    /// <summary>The time <paramref name="backlog"/> takes at the recent rate, within [minimum, maximum].</summary>
    public TimeSpan TimeFor(long backlog, TimeSpan minimum, TimeSpan maximum, long timestamp)
    {
        var rate = PerSecond(timestamp);
        if (rate <= 0)
        {
            return minimum;
        }

        var estimate = TimeSpan.FromSeconds(backlog / rate);
        return estimate < minimum ? minimum : estimate > maximum ? maximum : estimate;
    }

    private void Prune(long now)
    {
        var oldest = now - (long)(window.TotalSeconds * Stopwatch.Frequency);
        while (_finished.TryPeek(out var entry) && entry.At < oldest)
        {
            _inWindow -= _finished.Dequeue().Work;
        }
    }
}
