using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// A job's work before it runs, in token steps: each sequence may run its length limit (its length guard, else
/// <c>max_new_tokens</c>) of decoder steps for each of its rows (<see cref="JobRows.RowsOf"/>) after an encoder pass
/// over its source tokens. It is an upper bound — most outputs end before their limit — and it grows the way the
/// real cost grows, which is what admission needs: a 64-text, 8-beam request weighs thousands of one-sentence ones,
/// not one.
/// </summary>
public static class WorkEstimate
{
    public static long Of(IReadOnlyList<Segment> segments, GenerationSettings settings)
    {
        long rows = JobRows.RowsOf(settings);
        long work = 0;
        foreach (var segment in segments)
        {
            work += segment.InputIds.Count + rows * (segment.MaxNewTokens ?? settings.MaxNewTokens);
        }

        return work;
    }
}
