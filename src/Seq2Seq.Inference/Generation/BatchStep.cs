using System.Diagnostics;

namespace Seq2Seq.Inference.Generation;

/// <summary>
/// One decoder call over rows of a cohort, one token per row. Each request takes its rows' slice of the logits (and
/// of the attention, when it asked for it), its search says which rows continue with which tokens, and its sink
/// hears of the token or of the end within this step; the cache then follows the rows that continue.
/// </summary>
internal static class BatchStep
{
    /// <summary>
    /// Runs the step on <paramref name="state"/>, whose rows belong to the live entries from
    /// <paramref name="firstEntry"/> on, in order, and feed <paramref name="tokens"/>; leaves the continuing rows
    /// and their tokens in <paramref name="next"/>.
    /// </summary>
    public static void Run(IDecoderState state, ReadOnlySpan<int> tokens, CohortEntries entries, int firstEntry,
        NextRows next, int vocabSize)
    {
        var rows = state.Rows;
        var logits = state.Step(tokens[..rows]);
        var now = Stopwatch.GetTimestamp();
        var attention = entries.TracksAttention ? ((IAttentionState)state).Attention : default;
        var width = entries.TracksAttention ? ((IAttentionState)state).SourceWidth : 0;
        next.Clear();
        foreach (var (i, offset) in entries.Live(firstEntry))
        {
            var entry = entries[i];
            entry.Stepped(now);
            next.SourceOffset = offset;
            var before = next.Count;
            if (entry.Request.ReturnAttention)
            {
                entry.Search.RecordAttention(attention.Slice(offset * width, entry.Rows * width), width);
            }

            entry.Search.Advance(logits.Slice(offset * vocabSize, entry.Rows * vocabSize), next);
            entry.Rows = next.Count - before;
            if (entry.Search.IsDone)
            {
                entries.Complete(i, cancelled: false);
            }
            else
            {
                entry.Appended(next.Tokens[before]);
            }
        }

        if (!next.IsIdentity(rows))
        {
            state.Reorder(next.Parents);
        }
    }
}
