namespace Seq2Seq.Inference.Generation;

/// <summary>
/// Collects, for one decoder step of a cohort, which rows continue (their parent row in the batch just
/// run) and the token each feeds next. Each request writes its own rows with local parent indices.
/// </summary>
internal sealed class NextRows
{
    private int[] _parents = new int[16];
    private int[] _tokens = new int[16];

    public int Count { get; private set; }

    /// <summary>Where the current request's rows start in the batch just run.</summary>
    public int SourceOffset { get; set; }

    public ReadOnlySpan<int> Parents => _parents.AsSpan(0, Count);

    public ReadOnlySpan<int> Tokens => _tokens.AsSpan(0, Count);

    public void Clear() => Count = 0;

    public void Add(int localParent, int token)
    {
        if (Count == _parents.Length)
        {
            Array.Resize(ref _parents, Count * 2);
            Array.Resize(ref _tokens, Count * 2);
        }

        _parents[Count] = SourceOffset + localParent;
        _tokens[Count++] = token;
    }

    /// <summary>True when the step kept every row in place, so the cache needs no gather.</summary>
    public bool IsIdentity(int previousRows)
    {
        if (Count != previousRows)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (_parents[i] != i)
            {
                return false;
            }
        }

        return true;
    }
}
