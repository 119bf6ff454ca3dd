namespace Seq2SeqService.Segmentation;

/// <summary>
/// A sentence of an input text, short enough for the encoder: its text, its source token ids, and the most tokens
/// its translation may take (its length guard; null leaves the request's <c>max_new_tokens</c>).
/// </summary>
public sealed record Segment(string Text, IReadOnlyList<int> InputIds, int? MaxNewTokens = null);

/// <summary>A text's segments in order, and the layout they are rejoined into (<see cref="TextLayout"/>).</summary>
public sealed record SegmentedText(IReadOnlyList<Segment> Segments, TextLayout Layout)
{
    public int InputTokens => Segments.Sum(s => s.InputIds.Count);
}
