namespace Seq2SeqService.Segmentation;

/// <summary>
/// Turns an input text into encoder-sized segments: its sentences (<see cref="TextLayout"/>), each tokenized.
/// A sentence longer than the encoder accepts is cut, never truncated: at its clause punctuation or spaces where
/// it has them, else between characters, into pieces that each fit, so no part of a text is refused or lost.
/// </summary>
public static class InputSegmenter
{
    /// <summary>The segments of <paramref name="text"/> cut as <paramref name="mode"/> says, for <paramref name="model"/>;
    /// <paramref name="maxNewTokens"/> is the length guard, the most tokens a sentence of so many source tokens may produce.</summary>
    public static SegmentedText Split(string text, ISourceTokenizer model, SentenceSplitting mode, Func<int, int?> maxNewTokens)
    {
        var layout = TextLayout.Of(text, mode);
        var sentences = new List<string>(layout.Sentences.Count);
        var gaps = new List<string>(layout.Gaps.Count) { layout.Gaps[0] };
        var segments = new List<Segment>(layout.Sentences.Count);
        for (var i = 0; i < layout.Sentences.Count; i++)
        {
            var sentence = layout.Sentences[i];
            var ids = model.Tokenize(sentence).Ids;
            if (ids.Count <= model.MaxInputTokens)
            {
                Add(sentence, ids);
            }
            else
            {
                var pieces = Cut(sentence, model);
                for (var p = 0; p < pieces.Count; p++)
                {
                    Add(pieces[p].Text, pieces[p].Ids);
                    if (p < pieces.Count - 1)
                    {
                        gaps.Add(pieces[p].Gap);
                    }
                }
            }

            gaps.Add(layout.Gaps[i + 1]);
        }

        return new SegmentedText(segments, new TextLayout(sentences, gaps));

        void Add(string sentence, IReadOnlyList<int> ids)
        {
            sentences.Add(sentence);
            segments.Add(new Segment(sentence, ids, maxNewTokens(ids.Count)));
        }
    }

    /// <summary>
    /// Pieces of an over-long sentence that each fit, with the whitespace after each: greedily the longest prefix
    /// that fits, ending after a clause mark (, ; : and their CJK forms) or a space when there is one, measured by
    /// tokenizing it (a guess from the sentence's characters per token first, shrunk until it fits).
    /// </summary>
    private static List<(string Text, IReadOnlyList<int> Ids, string Gap)> Cut(string sentence, ISourceTokenizer model)
    {
        var pieces = new List<(string, IReadOnlyList<int>, string)>();
        var charsPerToken = (double)sentence.Length / model.Tokenize(sentence).Ids.Count;
        var start = 0;
        while (start < sentence.Length)
        {
            var length = Math.Min(sentence.Length - start, Math.Max(1, (int)(charsPerToken * (model.MaxInputTokens - 1) * 0.9)));
            while (true)
            {
                var end = start + length == sentence.Length ? sentence.Length : CutPoint(sentence, start, start + length);
                var piece = sentence[start..end].TrimEnd();
                var ids = model.Tokenize(piece).Ids;
                if (ids.Count <= model.MaxInputTokens || end - start == 1)
                {
                    var next = end;
                    while (next < sentence.Length && char.IsWhiteSpace(sentence[next]))
                    {
                        next++;
                    }

                    pieces.Add((piece, ids, sentence[(start + piece.Length)..next]));
                    start = next;
                    break;
                }

                length = Math.Max(1, Math.Min(end - start - 1, (int)(length * 0.8)));
            }
        }

        return pieces;
    }

    /// <summary>
    /// The end of a piece within (start, limit]: after the last clause mark in the window's second half, else at the
    /// last space, else after any clause mark, else the limit (never inside a surrogate pair).
    /// </summary>
    private static int CutPoint(string sentence, int start, int limit)
    {
        int clause = -1, space = -1;
        for (var i = limit; i > start && (clause < 0 || space < 0); i--)
        {
            if (clause < 0 && sentence[i - 1] is ',' or ';' or ':' or '，' or '；' or '：' or '、')
            {
                clause = i;
            }

            if (space < 0 && i < sentence.Length && char.IsWhiteSpace(sentence[i]))
            {
                space = i;
            }
        }

        if (clause > start + (limit - start) / 2)
        {
            return clause;
        }

        if (space > start || clause > start)
        {
            return space > start ? space : clause;
        }

        return char.IsHighSurrogate(sentence[limit - 1]) && limit - 1 > start ? limit - 1 : limit;
    }
}
