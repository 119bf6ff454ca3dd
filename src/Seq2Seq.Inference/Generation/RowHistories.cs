namespace Seq2Seq.Inference.Generation;

/// <summary>
/// The token ids of one request's rows (decoder start token first), all of equal length because a
/// request's rows advance together. Two buffers alternate so that forking rows allocates nothing.
/// </summary>
internal sealed class RowHistories
{
    private readonly int _capacity;
    private int[] _current;
    private int[] _next;

    public RowHistories(int maxRows, int maxLength, int startToken)
    {
        _capacity = maxLength;
        _current = new int[maxRows * maxLength];
        _next = new int[maxRows * maxLength];
        _current[0] = startToken;
        Rows = 1;
        Length = 1;
    }

    public int Rows { get; private set; }

    public int Length { get; private set; }

    public ReadOnlySpan<int> Row(int row) => _current.AsSpan(row * _capacity, Length);

    /// <summary>The generated part of a row followed by <paramref name="last"/>: the ids a result reports.</summary>
    public int[] Finish(int row, int last)
    {
        var ids = new int[Length];
        Row(row)[1..].CopyTo(ids);
        ids[^1] = last;
        return ids;
    }

    /// <summary>New row i = old row parents[i] followed by tokens[i].</summary>
    public void Advance(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens)
    {
        for (var i = 0; i < parents.Length; i++)
        {
            var target = _next.AsSpan(i * _capacity, Length + 1);
            Row(parents[i]).CopyTo(target);
            target[Length] = tokens[i];
        }

        (_current, _next) = (_next, _current);
        Rows = parents.Length;
        Length++;
    }
}
