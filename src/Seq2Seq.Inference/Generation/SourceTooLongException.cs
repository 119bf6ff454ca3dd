namespace Seq2Seq.Inference.Generation;

/// <summary>A source has more tokens than the model's positions allow; nothing is truncated silently.</summary>
public sealed class SourceTooLongException(int tokens, int limit)
    : ArgumentException($"The source has {tokens} tokens; the model accepts at most {limit} (end-of-sequence included).")
{
    public int Tokens { get; } = tokens;

    public int Limit { get; } = limit;
}
