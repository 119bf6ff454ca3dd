using System.Text.RegularExpressions;

namespace Seq2SeqService.Segmentation;

/// <summary>
/// A text cut into the sentences to translate and the layout around them, kept verbatim: the text is
/// <c>Gaps[0] + Sentences[0] + Gaps[1] + … + Sentences[n-1] + Gaps[n]</c>. Gaps hold line breaks, blank lines,
/// indentation, the spaces between sentences, list markers ("- ", "2. ", "a) ") and pieces without letters
/// ("42", "!!!"), so the translation comes back laid out as its source, line for line.
/// </summary>
public sealed partial record TextLayout(IReadOnlyList<string> Sentences, IReadOnlyList<string> Gaps)
{
    public static TextLayout Of(string text, SentenceSplitting mode)
    {
        var layout = new Builder();
        switch (mode)
        {
            case SentenceSplitting.None:
                layout.AddRun(text, 0, text.Length, splitSentences: false);
                break;
            case SentenceSplitting.NoNewlines:
                layout.AddRun(text, 0, text.Length, splitSentences: true);
                break;
            default:
                foreach (var (start, end) in Lines(text))
                {
                    layout.AddRun(text, start, end, splitSentences: true);
                }

                break;
        }

        return layout.Build(text);
    }

    /// <summary>The layout with the text of each sentence replaced by <paramref name="translations"/>.</summary>
    public string Rejoin(IReadOnlyList<string> translations) =>
        string.Concat(Gaps.Select((gap, i) => i < translations.Count ? gap + translations[i] : gap));

    /// <summary>Each line's range, without its line break (CRLF, LF, CR, and Unicode's line and paragraph separators).</summary>
    private static IEnumerable<(int Start, int End)> Lines(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '\n' or '\r' or '\u2028' or '\u2029' or '\v' or '\f')
            {
                yield return (start, i);
                start = i + 1;
            }
        }

        yield return (start, text.Length);
    }

    [GeneratedRegex(@"\G[ \t\u00A0\u3000]*(?:[-*+•‣◦▪–—>]+|#{1,6}|\(?\d{1,3}[.)]|\(?[a-zA-Z]\)|\d{1,3}(?:\.\d{1,3})+\.?)[ \t\u00A0]+")]
    private static partial Regex ListMarker();

    /// <summary>Collects sentence ranges; everything between them becomes a gap.</summary>
    private sealed class Builder
    {
        private readonly List<(int Start, int End)> _sentences = [];

        /// <summary>Adds the sentences of <c>text[start..end)</c> (a line, or the whole text).</summary>
        public void AddRun(string text, int start, int end, bool splitSentences)
        {
            if (ListMarker().Match(text, start) is { Success: true } marker && marker.Index + marker.Length <= end)
            {
                start = marker.Index + marker.Length;
            }

            if (!splitSentences)
            {
                AddSentence(text, start, end);
                return;
            }

            // ICU treats a line break as a paragraph end; read as a space it lets a sentence run across lines.
            var run = text[start..end].Replace('\r', ' ').Replace('\n', ' ').Replace('\u2028', ' ').Replace('\u2029', ' ');
            var from = 0;
            foreach (var stop in SentenceBreaks.Ends(run))
            {
                AddSentence(text, start + from, start + stop);
                from = stop;
            }
        }

        public TextLayout Build(string text)
        {
            var sentences = new List<string>(_sentences.Count);
            var gaps = new List<string>(_sentences.Count + 1);
            var at = 0;
            foreach (var (start, end) in _sentences)
            {
                gaps.Add(text[at..start]);
                sentences.Add(text[start..end]);
                at = end;
            }

            gaps.Add(text[at..]);
            return new TextLayout(sentences, gaps);
        }

        /// <summary>Adds the range trimmed of whitespace, when it has a letter to translate.</summary>
        private void AddSentence(string text, int start, int end)
        {
            while (start < end && char.IsWhiteSpace(text[start]))
            {
                start++;
            }

            while (end > start && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }

            if (HasLetter(text, start, end))
            {
                _sentences.Add((start, end));
            }
        }

        private static bool HasLetter(string text, int start, int end)
        {
            for (var i = start; i < end; i++)
            {
                if (char.IsLetter(text[i]) || char.IsSurrogate(text[i]) && i + 1 < end && char.IsLetter(text, i))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
