namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>
/// Unigram segmentation: the Viterbi path of highest total piece score. Like SentencePiece's optimized
/// encoder it keeps only the best path ending at each byte position, and breaks ties in favour of the
/// candidate found first (earlier start, then shorter piece), and keeps the reference's mixed precision:
/// best scores are stored as float, candidates summed in double.
/// </summary>
internal sealed class UnigramSegmenter : ISegmenter
{
    private const float UnknownPenalty = 10f;

    private readonly Vocabulary _vocab;
    private readonly float _unknownScore;

    public UnigramSegmenter(Vocabulary vocab)
    {
        _vocab = vocab;
        _unknownScore = vocab.MinScore - UnknownPenalty;
    }

    public void Segment(ReadOnlySpan<byte> text, ref PooledBuffer<Segment> output)
    {
        var size = text.Length;
        if (size == 0)
        {
            return;
        }

        var best = new PooledBuffer<float>(size + 1);
        var startsAt = new PooledBuffer<int>(size + 1);
        var ids = new PooledBuffer<int>(size + 1);
        try
        {
            for (var i = 0; i <= size; i++)
            {
                best.Add(0f);
                startsAt.Add(-1);
                ids.Add(-1);
            }

            Forward(text, ref best, ref startsAt, ref ids);
            Backtrack(ref startsAt, ref ids, size, ref output);
        }
        finally
        {
            best.Dispose();
            startsAt.Dispose();
            ids.Dispose();
        }
    }

    private void Forward(ReadOnlySpan<byte> text, ref PooledBuffer<float> best, ref PooledBuffer<int> startsAt,
        ref PooledBuffer<int> ids)
    {
        var trie = _vocab.Pieces;
        var types = _vocab.Types;
        var scores = _vocab.Scores;
        var maxScore = _vocab.MaxScore;
        var size = text.Length;
        for (var start = 0; start < size;)
        {
            var scoreHere = best[start];
            var charLength = Math.Min(Utf8.OneCharLength(text[start]), size - start);
            var hasSingleCharPiece = false;
            var node = DoubleArrayTrie.Root;
            for (var end = start; end < size;)
            {
                node = trie.Next(node, text[end]);
                end++;
                if (node < 0)
                {
                    break;
                }

                var id = trie.ValueAt(node);
                if (id < 0 || types[id] == PieceType.Unused)
                {
                    continue;
                }

                // The reference picks the score with a conditional whose other branch (the user-defined bonus)
                // is double, so every candidate is summed in double and compared with the stored float: a
                // sum that rounds to the same float can still win. Matching that decides near-ties alike.
                var length = end - start;
                var score = types[id] == PieceType.UserDefined ? (double)(length * maxScore) - 0.1 : scores[id];
                var candidate = score + scoreHere;
                if (startsAt[end] == -1 || candidate > best[end])
                {
                    best[end] = (float)candidate;
                    startsAt[end] = start;
                    ids[end] = id;
                }

                if (length == charLength)
                {
                    hasSingleCharPiece = true;
                }
            }

            if (!hasSingleCharPiece)
            {
                var end = start + charLength;
                var candidate = _unknownScore + scoreHere;
                if (startsAt[end] == -1 || candidate > best[end])
                {
                    best[end] = candidate;
                    startsAt[end] = start;
                    ids[end] = _vocab.UnkId;
                }
            }

            start += charLength;
        }
    }

    private static void Backtrack(ref PooledBuffer<int> startsAt, ref PooledBuffer<int> ids, int size,
        ref PooledBuffer<Segment> output)
    {
        var first = output.Count;
        for (var end = size; end > 0;)
        {
            var start = startsAt[end];
            output.Add(new Segment(start, end - start, ids[end]));
            end = start;
        }

        output.Span[first..].Reverse();
    }
}
