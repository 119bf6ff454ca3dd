using System.Diagnostics;

namespace Seq2Seq.Inference.Generation;

/// <summary>
/// A cohort's requests in admission order, which is also the order of their rows in the decoder batch, and the
/// indices of those completed since the last report. Requests get their first rows here, from the encoder, and
/// cancelled ones leave their rows here.
/// </summary>
internal sealed class CohortEntries
{
    private readonly List<CohortEntry> _entries = [];
    private readonly List<int> _completed = [];

    // Completions of requests cancelled before the start wait for the first step to report them.
    private bool _reported;

    public int Count => _entries.Count;

    public CohortEntry this[int index] => _entries[index];

    /// <summary>Whether a request that got rows asked for attention: from then on every step reads it.</summary>
    public bool TracksAttention { get; private set; }

    /// <summary>Completed since <see cref="StartReport"/>; the caller reads it before the next report starts.</summary>
    public IReadOnlyList<int> Completed => _completed;

    /// <summary>Starts collecting the completions one step or admission reports.</summary>
    public void StartReport()
    {
        if (_reported)
        {
            _completed.Clear();
        }

        _reported = true;
    }

    /// <summary>
    /// Adds entries for the requests and runs the encoder once over the live ones, which get a row each; their
    /// decoder start tokens come out in <paramref name="startTokens"/>. Null when none is live.
    /// </summary>
    public IDecoderState? Encode(IReadOnlyList<GenerationRequest> requests, IModelRunner runner, out int[] startTokens)
    {
        var live = AddAll(requests, runner);
        TracksAttention |= live.Any(e => e.Request.ReturnAttention);
        startTokens = [.. live.Select(e => e.Request.Settings.DecoderStartTokenId)];
        if (live.Count == 0)
        {
            return null;
        }

        var started = Stopwatch.GetTimestamp();
        var state = runner.Encode([.. live.Select(e => e.Request.SourceIds)]);
        var encodeTime = Stopwatch.GetElapsedTime(started);
        foreach (var entry in live)
        {
            entry.Rows = 1;
            entry.EncodeTime = encodeTime;
        }

        return state;
    }

    /// <summary>
    /// Adds the requests after checking them all, so a refused admission leaves the cohort as it was; those already
    /// cancelled complete at once. Returns the live ones, in order.
    /// </summary>
    private List<CohortEntry> AddAll(IReadOnlyList<GenerationRequest> requests, IModelRunner runner)
    {
        var entries = requests.Select((request, i) => CohortEntry.For(request, i, runner)).ToList();
        var live = new List<CohortEntry>(entries.Count);
        foreach (var entry in entries)
        {
            _entries.Add(entry);
            if (entry.Request.Cancellation.IsCancellationRequested)
            {
                Complete(_entries.Count - 1, cancelled: true);
            }
            else
            {
                live.Add(entry);
            }
        }

        return live;
    }

    public void Complete(int index, bool cancelled)
    {
        _entries[index].Complete(cancelled);
        _completed.Add(index);
    }

    /// <summary>
    /// The entries from <paramref name="first"/> on that have rows, each with where its rows start in the batch;
    /// each offset is taken before the caller changes that entry's row count.
    /// </summary>
    public IEnumerable<(int Index, int Offset)> Live(int first = 0)
    {
        var offset = 0;
        for (var i = first; i < _entries.Count; i++)
        {
            var rows = _entries[i].Rows;
            if (rows > 0)
            {
                yield return (i, offset);
                offset += rows;
            }
        }
    }

    /// <summary>
    /// Completes the live requests whose token fired and writes the rows that stay, with their next tokens from
    /// <paramref name="tokens"/>, to <paramref name="next"/>. Returns whether any left.
    /// </summary>
    public bool RemoveCancelled(ReadOnlySpan<int> tokens, NextRows next)
    {
        if (!_entries.Any(e => e.Rows > 0 && e.Request.Cancellation.IsCancellationRequested))
        {
            return false;
        }

        next.Clear();
        foreach (var (i, offset) in Live())
        {
            var entry = _entries[i];
            if (entry.Request.Cancellation.IsCancellationRequested)
            {
                Complete(i, cancelled: true);
                continue;
            }

            next.SourceOffset = offset;
            for (var r = 0; r < entry.Rows; r++)
            {
                next.Add(r, tokens[offset + r]);
            }
        }

        return true;
    }
}
