namespace Seq2SeqService.Application;

/// <summary>
/// Marks whose text is never translated (inline code, an element marked <c>translate="no"</c>). Their text goes to
/// the model with the sentence around it, so the sentence reads as written and the alignment places the mark among
/// the words translated around it; then the target words the mark landed on are replaced by its source text, as
/// written. A mark the alignment could not place is appended to the translation, so no code is ever lost.
/// </summary>
public static class OpaqueMarks
{
    /// <summary>
    /// <paramref name="translation"/> with each of <paramref name="sourceMarks"/> that <paramref name="isOpaque"/>
    /// holding its source text from <paramref name="source"/>, the other marks moved with the text around them and
    /// those the replacement cut into left out.
    /// </summary>
    public static TranslationCandidate Keep(TranslationCandidate translation, string source, IReadOnlyList<TextMark> sourceMarks,
        Func<object, bool> isOpaque)
    {
        var text = translation.Text;
        var marks = translation.Marks.ToList();
        foreach (var opaque in sourceMarks.Where(m => isOpaque(m.Mark)))
        {
            var original = source.Substring(opaque.Start, opaque.Length);
            var placed = marks.Find(m => ReferenceEquals(m.Mark, opaque.Mark));
            int start, end;
            if (placed is null)
            {
                text = text.Length > 0 ? text + " " : text;
                (start, end) = (text.Length, text.Length);
            }
            else
            {
                // A model that copies the code adds the sentence's punctuation to its word: keep that outside.
                var copy = text.IndexOf(original, placed.Start, placed.Length, StringComparison.Ordinal);
                (start, end) = copy >= 0 ? (copy, copy + original.Length) : (placed.Start, placed.Start + placed.Length);
            }

            text = string.Concat(text.AsSpan(0, start), original, text.AsSpan(end));
            var delta = original.Length - (end - start);
            marks = [.. marks.Select(m => ReferenceEquals(m.Mark, opaque.Mark) ? null : Moved(m, start, end, delta)).OfType<TextMark>()];
            marks.Add(opaque with { Start = start });
        }

        return translation with { Text = text, Marks = marks };
    }

    /// <summary>Whether <paramref name="text"/> has a letter or digit outside its opaque marks: prose to translate.</summary>
    public static bool HasProse(string text, IReadOnlyList<TextMark> marks, Func<object, bool> isOpaque) =>
        Enumerable.Range(0, text.Length).Any(i => char.IsLetterOrDigit(text[i]) &&
            !marks.Any(m => isOpaque(m.Mark) && m.Start <= i && i < m.Start + m.Length));

    /// <summary>A mark once [<paramref name="start"/>, <paramref name="end"/>) changed length by <paramref name="delta"/>; null inside or across it.</summary>
    private static TextMark? Moved(TextMark mark, int start, int end, int delta)
    {
        var markEnd = mark.Start + mark.Length;
        return markEnd <= start ? mark
            : mark.Start >= end ? mark with { Start = mark.Start + delta }
            : mark.Start <= start && markEnd >= end ? mark with { Length = mark.Length + delta }
            : null;
    }
}
