namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// Which source each row of a decoder state reads, and that source's length in tokens. Rows of one source
/// (its beams or samples) need the same per-source tensors, so a reorder that leaves every row on the source
/// it had can skip those tensors; once rows leave, the longest remaining source says how much of the source
/// axis is still read.
/// </summary>
internal sealed class RowSources
{
    private int[] _source;
    private int[] _length;
    private int[] _nextSource = [];
    private int[] _nextLength = [];

    /// <summary>One row per source, in order.</summary>
    public RowSources(int[] lengths)
    {
        _length = lengths;
        _source = [.. Enumerable.Range(0, lengths.Length)];
        Rows = lengths.Length;
    }

    public int Rows { get; private set; }

    /// <summary>The longest source a row reads; 0 without rows.</summary>
    public int Longest
    {
        get
        {
            var longest = 0;
            foreach (var length in _length.AsSpan(0, Rows))
            {
                longest = Math.Max(longest, length);
            }

            return longest;
        }
    }

    /// <summary>
    /// Row i continues row <c>parents[i]</c>. Returns whether the per-source tensors must be gathered too:
    /// the row count changed, or some row now reads another source than the row it replaces.
    /// </summary>
    public bool Reorder(ReadOnlySpan<int> parents)
    {
        if (_nextSource.Length < parents.Length)
        {
            _nextSource = new int[parents.Length];
            _nextLength = new int[parents.Length];
        }

        var changed = parents.Length != Rows;
        for (var i = 0; i < parents.Length; i++)
        {
            _nextSource[i] = _source[parents[i]];
            _nextLength[i] = _length[parents[i]];
            changed = changed || _nextSource[i] != _source[i];
        }

        (_source, _nextSource) = (_nextSource, _source);
        (_length, _nextLength) = (_nextLength, _length);
        Rows = parents.Length;
        return changed;
    }

    /// <summary>Adds the rows of <paramref name="other"/> after these; their sources are numbered after these ones.</summary>
    public void Append(RowSources other)
    {
        var first = 0;
        foreach (var source in _source.AsSpan(0, Rows))
        {
            first = Math.Max(first, source + 1);
        }

        var rows = Rows + other.Rows;
        var sources = new int[rows];
        var lengths = new int[rows];
        _source.AsSpan(0, Rows).CopyTo(sources);
        _length.AsSpan(0, Rows).CopyTo(lengths);
        other._length.AsSpan(0, other.Rows).CopyTo(lengths.AsSpan(Rows));
        for (var i = 0; i < other.Rows; i++)
        {
            sources[Rows + i] = other._source[i] + first;
        }

        (_source, _length, Rows) = (sources, lengths, rows);
        _nextSource = _nextLength = [];
    }
}
