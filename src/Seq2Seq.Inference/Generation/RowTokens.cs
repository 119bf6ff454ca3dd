namespace Seq2Seq.Inference.Generation;

/// <summary>
/// The token each of a cohort's decoder rows feeds next, in batch order. It outlives the steps that rewrite it and
/// grows when rows join, so a steady decode allocates nothing for it.
/// </summary>
internal sealed class RowTokens
{
    private int[] _tokens = new int[16];

    /// <summary>Every slot, those past the batch's rows included; a step takes as many as it has rows.</summary>
    public ReadOnlySpan<int> All => _tokens;

    public int this[int row]
    {
        get => _tokens[row];
        set => _tokens[row] = value;
    }

    /// <summary>Writes <paramref name="tokens"/> for the rows from <paramref name="firstRow"/> on.</summary>
    public void Set(int firstRow, ReadOnlySpan<int> tokens)
    {
        var count = firstRow + tokens.Length;
        if (_tokens.Length < count)
        {
            Array.Resize(ref _tokens, Math.Max(count, _tokens.Length * 2));
        }

        tokens.CopyTo(_tokens.AsSpan(firstRow));
    }
}
