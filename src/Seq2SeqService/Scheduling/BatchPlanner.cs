using System.Diagnostics;
using Seq2SeqService.Options;

namespace Seq2SeqService.Scheduling;

/// <summary>What the scheduler should do next.</summary>
/// <param name="Batch">Items to run now, shortest first; empty when the planner wants to wait.</param>
/// <param name="WaitFor">How long to wait for company before planning again.</param>
public readonly record struct BatchPlan(IReadOnlyList<WorkItem> Batch, TimeSpan WaitFor);

/// <summary>
/// Decides which waiting items form the next batch. The oldest item always goes next (no starvation); it
/// waits up to the maximum wait for compatible company unless its group can already fill a batch; the
/// batch around it is grown from items of similar length, because every row is padded to the longest one.
/// </summary>
public sealed class BatchPlanner(BatchingOptions options)
{
    private readonly TimeSpan _maxWait = TimeSpan.FromMilliseconds(options.MaxWaitMilliseconds);

    /// <param name="waiting">Unfinished items in arrival order.</param>
    /// <param name="now">A <see cref="Stopwatch"/> timestamp.</param>
    /// <param name="flush">Run whatever is there without waiting (the service is stopping).</param>
    public BatchPlan Plan(IReadOnlyList<WorkItem> waiting, long now, bool flush)
    {
        if (waiting.Count == 0)
        {
            return new BatchPlan([], _maxWait);
        }

        var oldest = waiting[0];
        var group = waiting.Where(oldest.IsCompatibleWith).ToList();
        var waited = Stopwatch.GetElapsedTime(oldest.Job.AcceptedAt, now);
        var groupFillsBatch = group.Count >= options.MaxBatchSequences ||
                              PaddedTokens(group.Count, group.Max(i => i.Length)) >= options.MaxBatchTokens;
        if (!flush && !groupFillsBatch && waited < _maxWait)
        {
            return new BatchPlan([], _maxWait - waited);
        }

        return new BatchPlan(GrowAround(oldest, group), TimeSpan.Zero);
    }

    private List<WorkItem> GrowAround(WorkItem seed, List<WorkItem> group)
    {
        // A stable sort keeps arrival order among equal lengths, so the seed's position is well defined.
        var byLength = group.OrderBy(i => i.Length).ToList();
        var low = byLength.IndexOf(seed);
        var high = low + 1;
        var longest = seed.Length;
        while (high - low < options.MaxBatchSequences)
        {
            var rows = high - low + 1;
            // Padding each choice adds: a shorter item pads itself, a longer one pads every row already in.
            var lowerFits = low > 0 && PaddedTokens(rows, longest) <= options.MaxBatchTokens;
            var higherFits = high < byLength.Count &&
                             PaddedTokens(rows, byLength[high].Length) <= options.MaxBatchTokens;
            if (!lowerFits && !higherFits)
            {
                break;
            }

            var takeLower = lowerFits && (!higherFits ||
                longest - byLength[low - 1].Length <= (long)(byLength[high].Length - longest) * (rows - 1));
            if (takeLower)
            {
                low--;
            }
            else
            {
                longest = byLength[high].Length;
                high++;
            }
        }

        return byLength.GetRange(low, high - low);
    }

    private static long PaddedTokens(int rows, int longest) => (long)rows * longest;
}
