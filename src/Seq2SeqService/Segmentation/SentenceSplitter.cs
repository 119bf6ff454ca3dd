using System.Text;

namespace Seq2SeqService.Segmentation;

/// <summary>
/// Splits text into sentences at line breaks and after terminal punctuation (with any closing quotes or
/// brackets) that is followed by whitespace. Each sentence keeps the whitespace that followed it. A piece
/// without letters (". . .", "3.", "!!!") joins a neighbour rather than standing alone, so punctuation runs
/// cost no batch rows of their own: ". " repeated 5,000 times is one segment, not 5,000.
/// </summary>
public static class SentenceSplitter
{
    private const string Terminals = ".!?…。！？";
    private const string Closers = "\"'»”’)]}";

    public static IReadOnlyList<(string Sentence, string Separator)> Split(string text)
    {
        var sentences = new List<(string, string)>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var end = SentenceEndAt(text, i);
            if (end < 0)
            {
                i++;
                continue;
            }

            var next = end;
            while (next < text.Length && char.IsWhiteSpace(text[next]))
            {
                next++;
            }

            Add(sentences, text[start..end], text[end..next]);
            start = i = next;
        }

        Add(sentences, text[start..], "");
        return MergeLetterless(sentences);
    }

    /// <summary>
    /// Puts each piece without letters in front of the sentence after it ("2." before "Buy bread."); trailing
    /// ones go to the end of the last sentence.
    /// </summary>
    private static List<(string Sentence, string Separator)> MergeLetterless(List<(string Sentence, string Separator)> sentences)
    {
        var merged = new List<(string Sentence, string Separator)>(sentences.Count);
        var current = new StringBuilder();
        var separator = "";
        var hasLetters = false;
        foreach (var (sentence, followedBy) in sentences)
        {
            if (hasLetters)
            {
                merged.Add((current.ToString(), separator));
                current.Clear();
                hasLetters = false;
            }
            else if (current.Length > 0)
            {
                current.Append(separator);
            }

            current.Append(sentence);
            separator = followedBy;
            hasLetters = sentence.Any(char.IsLetter);
        }

        if (current.Length == 0)
        {
            return merged;
        }

        if (!hasLetters && merged.Count > 0)
        {
            var (last, lastSeparator) = merged[^1];
            merged[^1] = (last + lastSeparator + current, separator);
        }
        else
        {
            merged.Add((current.ToString(), separator));
        }

        return merged;
    }

    /// <summary>Index just past the sentence ending at <paramref name="i"/>, or -1 when none ends there.</summary>
    private static int SentenceEndAt(string text, int i)
    {
        if (text[i] is '\n' or '\r')
        {
            return i;
        }

        if (!Terminals.Contains(text[i]))
        {
            return -1;
        }

        var end = i + 1;
        while (end < text.Length && (Terminals.Contains(text[end]) || Closers.Contains(text[end])))
        {
            end++;
        }

        return end == text.Length || char.IsWhiteSpace(text[end]) ? end : -1;
    }

    private static void Add(List<(string, string)> sentences, string sentence, string separator)
    {
        var trimmed = sentence.Trim();
        if (trimmed.Length > 0)
        {
            sentences.Add((trimmed, separator));
        }
        else if (sentences.Count > 0)
        {
            var (previous, previousSeparator) = sentences[^1];
            sentences[^1] = (previous, previousSeparator + sentence + separator);
        }
    }
}
