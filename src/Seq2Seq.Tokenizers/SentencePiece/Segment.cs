namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>One piece of a segmentation: a byte range of the normalized text and its vocabulary id.</summary>
internal readonly record struct Segment(int Start, int Length, int Id);

/// <summary>Splits normalized text (UTF-8, spaces already U+2581) into vocabulary pieces.</summary>
internal interface ISegmenter
{
    void Segment(ReadOnlySpan<byte> normalized, ref PooledBuffer<Segment> output);
}
