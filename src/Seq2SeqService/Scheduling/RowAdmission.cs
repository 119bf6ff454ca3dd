namespace Seq2SeqService.Scheduling;

/// <summary>
/// Picks the segments that start at a step boundary. A job's share does not depend on its neighbours'
/// size: the next row always goes to the job with the fewest rows running (earliest arrival on ties), so a
/// large request runs as slices of rows beside the others. A job with nothing running always gets its first
/// segment, even beyond the row capacity, so no request waits for another to finish; but not beyond the cache
/// budget, which bounds memory however many requests wait: there it waits for rows (not requests) to end, and runs
/// alone when nothing runs.
/// </summary>
internal static class RowAdmission
{
    /// <param name="jobs">Jobs of one model with pending segments, in arrival order.</param>
    /// <param name="freeRows">Rows the model's batches can still take.</param>
    /// <param name="freeCacheBytes">Estimated cache bytes (<see cref="JobRows.CacheBytes"/>) the model's rows can still take.</param>
    /// <param name="running">Whether the model has rows running.</param>
    public static List<SegmentRow> Select(IReadOnlyList<JobRows> jobs, int freeRows, long freeCacheBytes, bool running)
    {
        var picked = new List<SegmentRow>();
        while (true)
        {
            JobRows? next = null;
            foreach (var job in jobs)
            {
                if (job.Pending.Count > 0 && (next is null || job.RunningRows < next.RunningRows))
                {
                    next = job;
                }
            }

            if (next is null || (next.RunningRows > 0 && next.RowCost > freeRows))
            {
                return picked;
            }

            var bytes = next.CacheBytes(next.Pending.Peek());
            if (bytes > freeCacheBytes && (running || picked.Count > 0))
            {
                return picked;
            }

            picked.Add(new SegmentRow(next, next.Pending.Dequeue()));
            next.RunningRows += next.RowCost;
            freeRows -= next.RowCost;
            freeCacheBytes -= bytes;
        }
    }
}
