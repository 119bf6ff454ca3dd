using ICU4N.Globalization;
using ICU4N.Text;

namespace Seq2SeqService.Segmentation;

/// <summary>
/// Where sentences end inside one line of text: ICU's sentence break iterator (UAX #29 with ICU's abbreviation
/// suppressions, <c>ss=standard</c>), then three corrections ICU does not make (docs/api.md#segmentation has the
/// measurement that chose this): no break before a lower-case continuation (<c>"Really?" she asked.</c>), none
/// after an abbreviation ICU's list lacks or a single-letter initial (<c>Dr.</c>, <c>J. R. R. Tolkien</c>), and a
/// break after an ellipsis character followed by a capital, which UAX #29 does not count as a terminal.
/// </summary>
public static class SentenceBreaks
{
    /// <summary>Titles and short forms that are followed by a capital without ending a sentence.</summary>
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "dr", "prof", "st", "mt", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "rev", "hon",
        "mr", "mrs", "ms", "messrs", "vs", "fig", "figs", "vol", "vols", "ch", "p", "pp", "approx", "inc", "ltd", "corp", "dept", "univ", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec",
    };

    // One iterator behind a lock. Per-thread instances from GetSentenceInstance are not independent in ICU4N
    // 60.1.0-alpha.440: under concurrent requests they returned offsets of another thread's text (IndexOutOfRange and
    // ArgumentException, measured with tests/Seq2Seq.Benchmarks/reliability/overload-memory.sh). Breaking one line
    // takes microseconds, against milliseconds per decoder step, so the lock costs nothing measurable.
    private static readonly BreakIterator Iterator = BreakIterator.GetSentenceInstance(new UCultureInfo("en@ss=standard"));
    private static readonly Lock Gate = new();

    /// <summary>The end offsets of the sentences of <paramref name="line"/>, the last one being its length.</summary>
    public static List<int> Ends(string line)
    {
        lock (Gate)
        {
            return EndsLocked(line);
        }
    }

    private static List<int> EndsLocked(string line)
    {
        var iterator = Iterator;
        iterator.SetText(line);
        var ends = new List<int>();
        for (var end = iterator.Next(); end != BreakIterator.Done; end = iterator.Next())
        {
            if (end < line.Length && Continues(line, end))
            {
                continue;
            }

            ends.AddRange(EllipsisEnds(line, ends.Count == 0 ? 0 : ends[^1], end));
            ends.Add(end);
        }

        return ends;
    }

    /// <summary>Whether the sentence ICU ends at <paramref name="end"/> goes on in the text after it.</summary>
    private static bool Continues(string line, int end)
    {
        var next = end;
        while (next < line.Length && (char.IsWhiteSpace(line[next]) || IsOpening(line[next])))
        {
            next++;
        }

        if (next < line.Length && char.IsLower(line[next]))
        {
            return true;
        }

        var word = LastWord(line, end);
        return word.EndsWith('.') && (Abbreviations.Contains(word[..^1]) || word is [>= 'A' and <= 'Z', '.']);
    }

    /// <summary>The word just before <paramref name="end"/>, closing quotes and brackets left out.</summary>
    private static string LastWord(string line, int end)
    {
        var stop = end;
        while (stop > 0 && char.IsWhiteSpace(line[stop - 1]))
        {
            stop--;
        }

        var start = stop;
        while (start > 0 && !char.IsWhiteSpace(line[start - 1]) && !IsOpening(line[start - 1]))
        {
            start--;
        }

        return line[start..stop];
    }

    /// <summary>Breaks inside [start, end) after "…" (with closing quotes) followed by spaces and a capital.</summary>
    private static IEnumerable<int> EllipsisEnds(string line, int start, int end)
    {
        for (var i = start; i < end - 1; i++)
        {
            if (line[i] != '…')
            {
                continue;
            }

            var after = i + 1;
            while (after < end && IsClosing(line[after]))
            {
                after++;
            }

            var next = after;
            while (next < end && char.IsWhiteSpace(line[next]))
            {
                next++;
            }

            if (next > after && next < end && char.IsUpper(line[next]))
            {
                yield return next;
            }
        }
    }

    private static bool IsOpening(char c) => c is '"' or '\'' or '«' or '“' or '‘' or '(' or '[' or '{' or '¿' or '¡';

    private static bool IsClosing(char c) => c is '"' or '\'' or '»' or '”' or '’' or ')' or ']' or '}';
}
