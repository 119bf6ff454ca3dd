namespace Seq2Seq.Inference.Generation;

/// <summary>
/// A generated sequence's attention with the tokenizer pieces its rows and columns stand for:
/// <c>Weights[i][j]</c> is target token i's attention on source token j. Both sides include their special
/// tokens (the source's eos; the target's eos when generation ended with it), so every row sums to 1.
/// </summary>
public sealed record TokenAttention(IReadOnlyList<string> SourceTokens, IReadOnlyList<string> TargetTokens, float[][] Weights)
{
    /// <summary>
    /// Several sentences' attention as one: sources and targets concatenated, each sentence's weights on the
    /// diagonal block of its own tokens and 0 elsewhere, so rows still sum to 1.
    /// </summary>
    public static TokenAttention Concatenate(IReadOnlyList<TokenAttention> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var columns = parts.Sum(p => p.SourceTokens.Count);
        var rows = new List<float[]>();
        var offset = 0;
        foreach (var part in parts)
        {
            foreach (var row in part.Weights)
            {
                var wide = new float[columns];
                row.CopyTo(wide, offset);
                rows.Add(wide);
            }

            offset += part.SourceTokens.Count;
        }

        return new TokenAttention([.. parts.SelectMany(p => p.SourceTokens)], [.. parts.SelectMany(p => p.TargetTokens)], [.. rows]);
    }
}
