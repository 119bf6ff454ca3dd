using Seq2Seq.Inference.Generation;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Application;

/// <summary>A word of a text: a run of non-whitespace characters, <c>[Start, End)</c> in UTF-16 code units.</summary>
public readonly record struct TextWord(int Start, int End);

/// <summary>
/// Which source word each word of a translation comes from. Words are whitespace-separated runs. A sentence's target
/// word attends to each source word of its sentence with the mean, over the word's pieces, of the most attention a
/// piece gives one of the source word's pieces: the most, not the sum, so the period glued to "station?" adds
/// nothing to "station" (the source's end-of-sequence column is no word's). A word between sentences (a list marker,
/// a number: the layout's gaps, copied verbatim) comes from the same word of the source's gap.
/// </summary>
public sealed class TextAlignment
{
    private const char SpaceMark = '\u2581';

    private readonly List<TextWord> _source = [];
    private readonly List<TextWord> _target = [];
    private readonly List<(int From, float[] Weights)> _rows = [];
    private int[] _sourceOf = [];

    public IReadOnlyList<TextWord> SourceWords => _source;

    public IReadOnlyList<TextWord> TargetWords => _target;

    /// <param name="text">The source, as segmented.</param>
    /// <param name="translations">Each segment's translation; the target is their <see cref="TextLayout.Rejoin"/>.</param>
    /// <param name="attention">Each segment's attention; null where the model gave none, whose words then align by position.</param>
    /// <param name="sourcePieces">The source tokenizer's pieces of a segment's text, end-of-sequence included.</param>
    public static TextAlignment Of(SegmentedText text, IReadOnlyList<string> translations,
        IReadOnlyList<TokenAttention?> attention, Func<string, IReadOnlyList<string>> sourcePieces)
    {
        var alignment = new TextAlignment();
        int sourceAt = 0, targetAt = 0;
        for (var i = 0; i < text.Layout.Gaps.Count; i++)
        {
            var gap = text.Layout.Gaps[i];
            foreach (var word in Words(gap, 0))
            {
                alignment._rows.Add((alignment._source.Count, [1f]));
                alignment._source.Add(new TextWord(sourceAt + word.Start, sourceAt + word.End));
                alignment._target.Add(new TextWord(targetAt + word.Start, targetAt + word.End));
            }

            sourceAt += gap.Length;
            targetAt += gap.Length;
            if (i < text.Segments.Count)
            {
                var segment = text.Segments[i].Text;
                alignment.AddSentence(Words(segment, sourceAt), Words(translations[i], targetAt),
                    (attention[i] is null ? [] : sourcePieces(segment), attention[i]));
                sourceAt += segment.Length;
                targetAt += translations[i].Length;
            }
        }

        alignment._sourceOf = [.. Enumerable.Range(0, alignment._rows.Count).Select(alignment.Strongest)];
        return alignment;
    }

    /// <summary>The source word target word <paramref name="target"/> attends to most; -1 when it attends to none (no
    /// source word, or a word none of whose pieces the tokenizer's pieces could be matched with).</summary>
    public int SourceOf(int target) => _sourceOf[target];

    private int Strongest(int target)
    {
        var (from, weights) = _rows[target];
        var best = -1;
        for (var s = 0; s < weights.Length; s++)
        {
            best = weights[s] > 0 && (best < 0 || weights[s] > weights[best]) ? s : best;
        }

        return best < 0 ? -1 : from + best;
    }

    /// <summary>The target word that attends most to the source words <paramref name="sources"/> together; -1 when none does.</summary>
    public int StrongestTargetOf(IReadOnlySet<int> sources)
    {
        var (best, bestWeight) = (-1, 0f);
        for (var t = 0; t < _rows.Count; t++)
        {
            var (from, weights) = _rows[t];
            var weight = 0f;
            for (var s = 0; s < weights.Length; s++)
            {
                weight += sources.Contains(from + s) ? weights[s] : 0;
            }

            (best, bestWeight) = weight > bestWeight ? (t, weight) : (best, bestWeight);
        }

        return best;
    }

    /// <summary>The whitespace-separated words of <paramref name="text"/>, offset by <paramref name="offset"/>.</summary>
    public static List<TextWord> Words(string text, int offset)
    {
        var words = new List<TextWord>();
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                continue;
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            words.Add(new TextWord(offset + start, offset + i));
        }

        return words;
    }

    private void AddSentence(List<TextWord> sources, List<TextWord> targets, (IReadOnlyList<string> Pieces, TokenAttention? Attention) tokens)
    {
        var from = _source.Count;
        _source.AddRange(sources);
        _target.AddRange(targets);
        var rows = new float[targets.Count][];
        for (var t = 0; t < rows.Length; t++)
        {
            rows[t] = new float[sources.Count];
        }

        if (tokens is (var pieces, { } attention) && pieces.Count == attention.SourceTokens.Count)
        {
            var sourceWord = PieceWords(pieces, sources.Count);
            var targetWord = PieceWords(attention.TargetTokens, targets.Count);
            var counts = new int[targets.Count];
            for (var p = 0; p < Math.Min(targetWord.Length, attention.Weights.Length); p++)
            {
                if (targetWord[p] < 0)
                {
                    continue;
                }

                counts[targetWord[p]]++;
                var best = new float[sources.Count];
                for (var q = 0; q < sourceWord.Length; q++)
                {
                    if (sourceWord[q] >= 0)
                    {
                        best[sourceWord[q]] = Math.Max(best[sourceWord[q]], attention.Weights[p][q]);
                    }
                }

                for (var w = 0; w < best.Length; w++)
                {
                    rows[targetWord[p]][w] += best[w];
                }
            }

            for (var t = 0; t < rows.Length; t++)
            {
                for (var s = 0; s < sources.Count && counts[t] > 1; s++)
                {
                    rows[t][s] /= counts[t];
                }
            }
        }
        else
        {
            // Without attention (a model whose decoder outputs none), words align in order, proportionally.
            for (var t = 0; t < rows.Length && sources.Count > 0; t++)
            {
                rows[t][Math.Min(sources.Count - 1, (int)((t + 0.5) * sources.Count / rows.Length))] = 1;
            }
        }

        foreach (var row in rows)
        {
            _rows.Add((from, row));
        }
    }

    /// <summary>
    /// Each piece's word among <paramref name="words"/> text words, or -1 for special tokens: a piece that starts with
    /// SentencePiece's space mark starts a word. When the pieces' words are not as many as the text's (a tokenizer
    /// whose pieces do not mark spaces, an unknown piece decoded to nothing), the i-th of n piece words is taken for the
    /// text word at the same fraction of the sentence.
    /// </summary>
    private static int[] PieceWords(IReadOnlyList<string> pieces, int words)
    {
        var word = new int[pieces.Count];
        var count = 0;
        for (var p = 0; p < pieces.Count; p++)
        {
            if (IsSpecial(pieces[p]))
            {
                word[p] = -1;
                continue;
            }

            count += count == 0 || pieces[p].StartsWith(SpaceMark) ? 1 : 0;
            word[p] = count - 1;
        }

        for (var p = 0; p < word.Length && count != words; p++)
        {
            word[p] = word[p] < 0 || words == 0 ? -1 : (int)((long)word[p] * words / count);
        }

        return word;
    }

    /// <summary>End-of-sequence, padding, unknown: a piece named in angle brackets, which is no byte piece (&lt;0xE2&gt;).</summary>
    private static bool IsSpecial(string piece) =>
        piece.Length > 2 && piece[0] == '<' && piece[^1] == '>' && !piece.StartsWith("<0x", StringComparison.Ordinal);
}
