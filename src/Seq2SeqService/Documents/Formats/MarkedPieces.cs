using Seq2SeqService.Application;

namespace Seq2SeqService.Documents;

/// <summary>A translated text cut into the pieces its marks cover, to be written back in each piece's formatting.</summary>
internal static class MarkedPieces
{
    /// <summary>
    /// The text cut where marks start and end, each piece with its innermost mark (marks nest) or
    /// <paramref name="unmarked"/>; neighbours with the same formatting joined into one piece unless a point (a mark of
    /// no length) stands between them, so that whatever the point carries can be written there.
    /// </summary>
    public static List<(T Mark, string Text)> Cut<T>(string text, IReadOnlyList<TextMark> marks, T unmarked, Func<T, T, bool> same)
    {
        var cuts = marks.SelectMany(m => new[] { m.Start, m.Start + m.Length })
            .Append(0).Append(text.Length).Where(c => c >= 0 && c <= text.Length).Distinct().Order().ToList();
        var pieces = new List<(T Mark, string Text)>();
        for (var i = 0; i + 1 < cuts.Count; i++)
        {
            var (start, end) = (cuts[i], cuts[i + 1]);
            var mark = marks.Where(m => m.Mark is T && m.Start <= start && m.Start + m.Length >= end)
                .MinBy(m => m.Length) is { Mark: T inner } ? inner : unmarked;
            if (pieces.Count > 0 && same(pieces[^1].Mark, mark) && !marks.Any(m => m.Length == 0 && m.Start == start))
            {
                pieces[^1] = (mark, pieces[^1].Text + text[start..end]);
            }
            else
            {
                pieces.Add((mark, text[start..end]));
            }
        }

        return pieces.Count > 0 ? pieces : [(unmarked, text)];
    }
}
