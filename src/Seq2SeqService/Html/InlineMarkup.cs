using System.Text;
using Seq2SeqService.Application;

namespace Seq2SeqService.Html;

/// <summary>
/// An inline element around a range of a sentence: its opening and closing tags, as the client wrote them, and for
/// an element whose text is never translated (<see cref="HtmlElements.Code"/>, <c>translate="no"</c>) what lies
/// between them, also as written.
/// </summary>
public sealed record InlineTags(string Open, string Close, string? Kept = null);

/// <summary>
/// A piece of an HTML document: markup kept as it is (<see cref="Text"/> null; <see cref="IsKept"/> for an element
/// kept whole with its content), or a run of text to translate as whole sentences, with the inline elements inside it
/// as marks (<see cref="InlineTags"/>) and <see cref="Raw"/> as written.
/// </summary>
public sealed record MarkupBlock(string Raw, string? Text, IReadOnlyList<TextMark> Marks, bool IsKept = false);

/// <summary>
/// Groups HTML's text nodes into runs that read as one text: a run ends at any tag but an inline element's (b, i, a,
/// span, code, …) whose opening and closing tags pair up around some letters or digits within the run. Anything
/// else (block elements, line breaks, images, comments, script, a tag left open or closed out of order) splits runs
/// and is kept where it is, so broken markup translates node by node. An element whose content is never translated
/// (<see cref="HtmlElements.Kept"/>, <c>translate="no"</c>) is kept whole up to its matching closing tag (to the end
/// when it has none); an inline one among them is a mark whose content travels as written (<see cref="InlineTags.Kept"/>).
/// </summary>
public static class InlineMarkup
{
    public static IReadOnlyList<MarkupBlock> Blocks(IReadOnlyList<MarkupPart> parts)
    {
        var items = Items(parts);
        var closeOf = Pairs(items);
        var blocks = new List<MarkupBlock>();
        var raw = new StringBuilder();
        var text = new StringBuilder();
        var marks = new List<TextMark>();
        var open = new Stack<(int Mark, int Start)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Text is not null)
            {
                raw.Append(item.Raw);
                text.Append(item.Text);
            }
            else if (closeOf[i] >= 0)
            {
                raw.Append(item.Raw);
                open.Push((marks.Count, text.Length));
                var kept = items[i + 1].IsKept ? items[i + 1].Raw : null;
                marks.Add(new TextMark(text.Length, 0, new InlineTags(item.Raw, items[closeOf[i]].Raw, kept)));
            }
            else if (closeOf[i] == ClosesPair)
            {
                raw.Append(item.Raw);
                var (mark, start) = open.Pop();
                marks[mark] = marks[mark] with { Length = text.Length - start };
            }
            else
            {
                Flush();
                blocks.Add(new MarkupBlock(item.Raw, null, [], item.IsKept));
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

    /// <summary>Whether a mark is an element whose content travels as written.</summary>
    public static bool IsOpaque(object mark) => mark is InlineTags { Kept: not null };

    /// <summary>
    /// <paramref name="text"/> as a text node with <paramref name="marks"/>' tags put back around their ranges, outer
    /// before inner (the marks' order, as <see cref="Blocks"/> lists them, outer first), each tag as
    /// <paramref name="written"/> gives it (as the client wrote it when null); an opaque mark's range is its content as
    /// written (<see cref="OpaqueMarks.Keep"/> puts its text there first).
    /// </summary>
    public static string Render(string text, IReadOnlyList<TextMark> marks, Func<string, string>? written = null)
    {
        written ??= tag => tag;
        var tags = new List<(int At, int Kind, int Outer, int Order, string Tag, int Resume)>();
        for (var m = 0; m < marks.Count; m++)
        {
            var (start, end, inline) = (marks[m].Start, marks[m].Start + marks[m].Length, (InlineTags)marks[m].Mark);

            // At one position closing tags come first, inner ones (starting later, or listed later) first; then
            // opening tags, outer ones (ending later, or listed earlier) first.
            tags.Add((end, 0, -start, -m, written(inline.Close), end));
            tags.Add((start, 1, -end, m, written(inline.Open) + inline.Kept, inline.Kept is null ? start : end));
        }

        var output = new StringBuilder();
        var at = 0;
        foreach (var (position, _, _, _, tag, resume) in tags.OrderBy(t => (t.At, t.Kind, t.Outer, t.Order)))
        {
            output.Append(Markup.Encode(text[at..Math.Max(at, position)])).Append(tag);
            at = Math.Max(at, resume);
        }

        return output.Append(Markup.Encode(text[at..])).ToString();
    }

    private const int Unpaired = -1;
    private const int ClosesPair = -2;

    /// <summary>A text node (<see cref="Text"/> decoded) or a tag (<see cref="Text"/> null); kept ones as written.</summary>
    private sealed record Item(string Raw, string? Text, bool IsKept = false);

    /// <summary>
    /// The parts with each element whose content is kept folded into one tag, or, for an inline one with letters or
    /// digits in its content, into its two tags around one kept text item.
    /// </summary>
    private static List<Item> Items(IReadOnlyList<MarkupPart> parts)
    {
        var items = new List<Item>();
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].IsText)
            {
                items.Add(new Item(parts[i].Raw, Markup.Decode(parts[i].Raw)));
                continue;
            }

            var (name, kept) = KeptElement(parts[i].Raw);
            if (!kept)
            {
                items.Add(new Item(parts[i].Raw, null));
                continue;
            }

            var close = ClosingTag(parts, i, name!);
            var inner = parts.Skip(i + 1).Take((close < 0 ? parts.Count : close) - i - 1).ToList();
            var innerText = string.Concat(inner.Where(p => p.IsText).Select(p => Markup.Decode(p.Raw)));
            if (close >= 0 && HtmlElements.Inline.Contains(name!) && innerText.Any(char.IsLetterOrDigit))
            {
                items.Add(new Item(parts[i].Raw, null));
                items.Add(new Item(string.Concat(inner.Select(p => p.Raw)), innerText, IsKept: true));
                items.Add(new Item(parts[close].Raw, null));
            }
            else
            {
                items.Add(new Item(string.Concat(parts.Skip(i).Take((close < 0 ? parts.Count : close + 1) - i).Select(p => p.Raw)), null, IsKept: true));
            }

            i = close < 0 ? parts.Count : close;
        }

        return items;
    }

    /// <summary>
    /// A start tag's element name, and whether its content is kept: a <see cref="HtmlElements.Kept"/> or
    /// <see cref="HtmlElements.Code"/> element, or one marked not to be translated. Script and style come whole from
    /// <see cref="Markup.Split"/>, and a self-closing or void tag has no content.
    /// </summary>
    private static (string? Name, bool Kept) KeptElement(string raw)
    {
        var (name, closing) = ElementName(raw);
        if (name is null || closing || raw.EndsWith("/>", StringComparison.Ordinal) || Markup.IsRawText(name) || Void.Contains(name))
        {
            return (name, false);
        }

        return (name, HtmlElements.Kept.Contains(name) || HtmlElements.Code.Contains(name) ||
            HtmlElements.IsNoTranslate(TagAttributes.Value(raw, "translate"), TagAttributes.Value(raw, "class")));
    }

    private static readonly HashSet<string> Void = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    };

    /// <summary>The index of the tag closing the element <paramref name="open"/> starts, counting nested ones of its name; -1 if none.</summary>
    private static int ClosingTag(IReadOnlyList<MarkupPart> parts, int open, string name)
    {
        var depth = 0;
        for (var i = open + 1; i < parts.Count; i++)
        {
            var (other, closing) = parts[i].IsText ? (null, false) : ElementName(parts[i].Raw);
            if (!name.Equals(other, StringComparison.OrdinalIgnoreCase) || parts[i].Raw.EndsWith("/>", StringComparison.Ordinal))
            {
                continue;
            }

            if (!closing)
            {
                depth++;
            }
            else if (depth-- == 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// For each item: the index of the closing tag of the inline element it opens, <see cref="ClosesPair"/> for that
    /// closing tag, else <see cref="Unpaired"/>. An element pairs when its tags match on a stack that any other tag
    /// empties, its content has a letter or digit, and no unpaired tag lies inside it.
    /// </summary>
    private static int[] Pairs(IReadOnlyList<Item> items)
    {
        var closeOf = Enumerable.Repeat(Unpaired, items.Count).ToArray();
        var open = new Stack<int>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Text is not null)
            {
                continue;
            }

            var (name, closing) = Tag(items[i]);
            if (name is null)
            {
                open.Clear();
            }
            else if (!closing)
            {
                open.Push(i);
            }
            else if (open.TryPeek(out var top) && Tag(items[top]).Name!.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                open.Pop();
                var letters = items.Skip(top).Take(i - top).Any(p => p.Text?.Any(char.IsLetterOrDigit) == true);
                (closeOf[top], closeOf[i]) = letters ? (i, ClosesPair) : (Unpaired, Unpaired);
            }
            else
            {
                open.Clear();
            }
        }

        // A pair around a tag that splits runs would span two runs; nested pairs come out properly, so one pass does.
        var splits = new int[items.Count + 1];
        for (var i = 0; i < items.Count; i++)
        {
            splits[i + 1] = splits[i] + (items[i].Text is null && closeOf[i] == Unpaired ? 1 : 0);
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (closeOf[i] >= 0 && splits[closeOf[i]] != splits[i + 1])
            {
                (closeOf[closeOf[i]], closeOf[i]) = (Unpaired, Unpaired);
            }
        }

        return closeOf;
    }

    /// <summary>An inline element's name and whether the tag closes it; a null name for any other markup.</summary>
    private static (string? Name, bool Closing) Tag(Item item)
    {
        var (name, closing) = ElementName(item.Raw);
        return !item.IsKept && name is not null && HtmlElements.Inline.Contains(name) && !item.Raw.EndsWith("/>", StringComparison.Ordinal)
            ? (name, closing) : (null, false);
    }

    /// <summary>A tag's element name and whether it is a closing tag; a null name for comments, doctypes and the like.</summary>
    private static (string? Name, bool Closing) ElementName(string raw)
    {
        var closing = raw.StartsWith("</", StringComparison.Ordinal);
        var from = closing ? 2 : 1;
        var end = from;
        while (end < raw.Length && char.IsAsciiLetterOrDigit(raw[end]))
        {
            end++;
        }

        return raw[0] == '<' && end > from && end < raw.Length && raw[end] is '>' or ' ' or '\t' or '\n' or '\r' or '\f' or '/'
            ? (raw[from..end], closing) : (null, false);
    }
}
