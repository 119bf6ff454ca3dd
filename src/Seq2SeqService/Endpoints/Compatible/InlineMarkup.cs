using System.Text;
using Seq2SeqService.Application;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>An inline element around a range of a sentence: its opening and closing tags, as the client wrote them.</summary>
public sealed record InlineTags(string Open, string Close);

/// <summary>
/// A piece of an HTML document: markup kept as it is (<see cref="Text"/> null), or a run of text to translate as whole
/// sentences, with the inline elements inside it as marks (<see cref="InlineTags"/>) and <see cref="Raw"/> as written.
/// </summary>
public sealed record MarkupBlock(string Raw, string? Text, IReadOnlyList<TextMark> Marks);

/// <summary>
/// Groups HTML's text nodes into runs that read as one text: a run ends at any tag but an inline element's (b, i, a,
/// span, code, …) whose opening and closing tags pair up around some letters or digits within the run. Anything
/// else (block elements, line breaks, images, comments, script, a tag left open or closed out of order) splits runs
/// and is kept where it is, so broken markup translates node by node, as before.
/// </summary>
public static class InlineMarkup
{
    private static readonly HashSet<string> InlineElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark",
        "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    };

    public static IReadOnlyList<MarkupBlock> Blocks(IReadOnlyList<MarkupPart> parts)
    {
        var closeOf = Pairs(parts);
        var blocks = new List<MarkupBlock>();
        var raw = new StringBuilder();
        var text = new StringBuilder();
        var marks = new List<TextMark>();
        var open = new Stack<(int Mark, int Start)>();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part.IsText)
            {
                raw.Append(part.Raw);
                text.Append(Markup.Decode(part.Raw));
            }
            else if (closeOf[i] >= 0)
            {
                raw.Append(part.Raw);
                open.Push((marks.Count, text.Length));
                marks.Add(new TextMark(text.Length, 0, new InlineTags(part.Raw, parts[closeOf[i]].Raw)));
            }
            else if (closeOf[i] == ClosesPair)
            {
                raw.Append(part.Raw);
                var (mark, start) = open.Pop();
                marks[mark] = marks[mark] with { Length = text.Length - start };
            }
            else
            {
                Flush();
                blocks.Add(new MarkupBlock(part.Raw, null, []));
            }
        }

        Flush();
        return blocks;

        void Flush()
        {
            if (raw.Length > 0)
            {
                blocks.Add(new MarkupBlock(raw.ToString(), text.ToString(), [.. marks]));
            }

            raw.Clear();
            text.Clear();
            marks.Clear();
        }
    }

    /// <summary>
    /// <paramref name="text"/> as a text node with <paramref name="marks"/>' tags put back around their ranges, outer
    /// before inner (the marks' order, as <see cref="Blocks"/> lists them, outer first).
    /// </summary>
    public static string Render(string text, IReadOnlyList<TextMark> marks)
    {
        var tags = new List<(int At, int Kind, int Outer, int Order, string Tag)>();
        for (var m = 0; m < marks.Count; m++)
        {
            var (start, end, inline) = (marks[m].Start, marks[m].Start + marks[m].Length, (InlineTags)marks[m].Mark);

            // At one position closing tags come first, inner ones (starting later, or listed later) first; then
            // opening tags, outer ones (ending later, or listed earlier) first.
            tags.Add((end, 0, -start, -m, inline.Close));
            tags.Add((start, 1, -end, m, inline.Open));
        }

        var output = new StringBuilder();
        var at = 0;
        foreach (var (position, _, _, _, tag) in tags.OrderBy(t => (t.At, t.Kind, t.Outer, t.Order)))
        {
            output.Append(Markup.Encode(text[at..position])).Append(tag);
            at = position;
        }

        return output.Append(Markup.Encode(text[at..])).ToString();
    }

    private const int Unpaired = -1;
    private const int ClosesPair = -2;

    /// <summary>
    /// For each part: the index of the closing tag of the inline element it opens, <see cref="ClosesPair"/> for that
    /// closing tag, else <see cref="Unpaired"/>. An element pairs when its tags match on a stack that any other tag
    /// empties, its content has a letter or digit, and no unpaired tag lies inside it.
    /// </summary>
    private static int[] Pairs(IReadOnlyList<MarkupPart> parts)
    {
        var closeOf = Enumerable.Repeat(Unpaired, parts.Count).ToArray();
        var open = new Stack<int>();
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].IsText)
            {
                continue;
            }

            var (name, closing) = Tag(parts[i].Raw);
            if (name is null)
            {
                open.Clear();
            }
            else if (!closing)
            {
                open.Push(i);
            }
            else if (open.TryPeek(out var top) && Tag(parts[top].Raw).Name!.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                open.Pop();
                var letters = parts.Skip(top).Take(i - top).Any(p => p.IsText && Markup.Decode(p.Raw).Any(char.IsLetterOrDigit));
                (closeOf[top], closeOf[i]) = letters ? (i, ClosesPair) : (Unpaired, Unpaired);
            }
            else
            {
                open.Clear();
            }
        }

        // A pair around a tag that splits runs would span two runs; nested pairs come out properly, so one pass does.
        var splits = new int[parts.Count + 1];
        for (var i = 0; i < parts.Count; i++)
        {
            splits[i + 1] = splits[i] + (!parts[i].IsText && closeOf[i] == Unpaired ? 1 : 0);
        }

        for (var i = 0; i < parts.Count; i++)
        {
            if (closeOf[i] >= 0 && splits[closeOf[i]] != splits[i + 1])
            {
                (closeOf[closeOf[i]], closeOf[i]) = (Unpaired, Unpaired);
            }
        }

        return closeOf;
    }

    /// <summary>An inline element's name and whether the tag closes it; a null name for any other markup.</summary>
    private static (string? Name, bool Closing) Tag(string raw)
    {
        var closing = raw.StartsWith("</", StringComparison.Ordinal);
        var from = closing ? 2 : 1;
        var end = from;
        while (end < raw.Length && char.IsAsciiLetterOrDigit(raw[end]))
        {
            end++;
        }

        var name = raw[from..end];
        var inline = raw[0] == '<' && end > from && end < raw.Length && raw[end] is '>' or ' ' or '\t' or '\n' or '\r' or '/'
            && InlineElements.Contains(name) && !raw.EndsWith("/>", StringComparison.Ordinal);
        return inline ? (name, closing) : (null, false);
    }
}
