using System.Text;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Seq2SeqService.Application;
using Seq2SeqService.Options;

namespace Seq2SeqService.Documents;

/// <summary>
/// HTML (.html, .htm) through AngleSharp: each stretch of text and inline elements inside a block (a paragraph, a
/// heading, a list item, a cell) is one paragraph, its inline elements (bold, italic, links, spans) marks; the title
/// and the <c>alt</c>, <c>title</c> and <c>placeholder</c> attributes are translated too. Scripts, styles,
/// preformatted blocks and anything marked <c>translate="no"</c> or <c>class="notranslate"</c> are kept. A line break
/// or an image ends a paragraph and stays where it is. The page is written back as UTF-8.
/// </summary>
internal static class HtmlFormat
{
    private static readonly HashSet<string> Inline = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark", "q", "s", "samp",
        "small", "span", "strong", "sub", "sup", "time", "u", "var", "del", "ins",
    };

    private static readonly HashSet<string> Kept = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "pre", "noscript", "template", "svg", "math", "textarea",
    };

    private static readonly string[] TranslatedAttributes = ["alt", "title", "placeholder"];

    /// <exception cref="DocumentRejectedException">Binary data, which no HTML page holds.</exception>
    public static TranslatableDocument Read(byte[] file, DocumentOptions limits) =>
        file.AsSpan().IndexOf((byte)0) < 0
            ? new SlotDocument(file, Open)
            : throw new DocumentRejectedException("The file is not an HTML page: it holds binary data.");

    private static IOpenedFile Open(byte[] file)
    {
        var document = new HtmlParser().ParseDocument(new MemoryStream(file, writable: false));
        var slots = new List<TextSlot>();
        if (document.Head?.QuerySelector("title") is { } title && !IsKept(title))
        {
            slots.Add(TextSlot.Plain(title.TextContent, t => title.TextContent = t));
        }

        if (document.Body is { } body)
        {
            Visit(body, slots);
        }

        foreach (var element in document.All.Where(e => !IsKept(e)))
        {
            foreach (var name in TranslatedAttributes)
            {
                if (element.GetAttribute(name) is { Length: > 0 } value)
                {
                    slots.Add(TextSlot.Plain(value, t => element.SetAttribute(name, t)));
                }
            }
        }

        return new Page(document, slots);
    }

    private static bool IsKept(IElement element) =>
        element.GetAncestors().OfType<IElement>().Prepend(element).Any(e => Kept.Contains(e.LocalName) ||
            string.Equals(e.GetAttribute("translate"), "no", StringComparison.OrdinalIgnoreCase) || e.ClassList.Contains("notranslate"));

    private static bool IsPureInline(INode? node) =>
        node is IElement e && Inline.Contains(e.LocalName) && e.Children.All(c => IsPureInline(c));

    /// <summary>Slots for the stretches of text and pure inline elements among <paramref name="element"/>'s children.</summary>
    private static void Visit(IElement element, List<TextSlot> slots)
    {
        if (IsKept(element))
        {
            return;
        }

        var stretch = new List<INode>();
        foreach (var child in element.ChildNodes.ToList())
        {
            if (child is IText || IsPureInline(child))
            {
                stretch.Add(child);
                continue;
            }

            Flush(element, stretch, slots);
            if (child is IElement inner)
            {
                Visit(inner, slots);
            }
        }

        Flush(element, stretch, slots);
    }

    private static void Flush(IElement block, List<INode> stretch, List<TextSlot> slots)
    {
        if (stretch.Count == 0)
        {
            return;
        }

        var nodes = stretch.ToList();
        stretch.Clear();
        var text = string.Concat(nodes.Select(n => n.TextContent));
        var marks = new List<TextMark>();
        var at = 0;
        foreach (var node in nodes)
        {
            if (node is IElement element)
            {
                Mark(element, at, marks);
            }

            at += node.TextContent.Length;
        }

        var dominant = Dominant(text.Length, marks);
        slots.Add(new TextSlot(text, marks, translation => Write(block, nodes, translation, dominant)));
    }

    /// <summary>A mark for <paramref name="element"/> and each element inside it, over their text.</summary>
    private static void Mark(IElement element, int start, List<TextMark> marks)
    {
        if (element.TextContent.Length > 0)
        {
            marks.Add(new TextMark(start, element.TextContent.Length, element));
        }

        foreach (var child in element.ChildNodes)
        {
            if (child is IElement inner)
            {
                Mark(inner, start, marks);
            }

            start += child.TextContent.Length;
        }
    }

    /// <summary>The innermost element most characters are in, or none when most are outside every element.</summary>
    private static IElement? Dominant(int length, IReadOnlyList<TextMark> marks) =>
        Enumerable.Range(0, length)
            .Select(i => marks.Where(m => m.Start <= i && i < m.Start + m.Length).MinBy(m => m.Length)?.Mark as IElement)
            .GroupBy(e => e).MaxBy(g => g.Count())?.Key;

    /// <summary>
    /// The stretch replaced by the translation: pieces under marks inside copies of their elements (and of the
    /// elements around those, up to the block); without marks, the whole text in the dominant element.
    /// </summary>
    private static void Write(IElement block, IReadOnlyList<INode> nodes, TranslationCandidate translation, IElement? dominant)
    {
        var unmarked = translation.Marks.Count > 0 ? null : dominant;
        foreach (var (element, piece) in MarkedPieces.Cut(translation.Text, translation.Marks, unmarked, ReferenceEquals))
        {
            INode node = block.Owner!.CreateTextNode(piece);
            for (var wrapper = element; wrapper is not null && wrapper != block; wrapper = wrapper.ParentElement)
            {
                var copy = (IElement)wrapper.Clone(deep: false);
                copy.AppendChild(node);
                node = copy;
            }

            block.InsertBefore(node, nodes[0]);
        }

        foreach (var node in nodes)
        {
            block.RemoveChild(node);
        }
    }

    private sealed class Page(IHtmlDocument document, IReadOnlyList<TextSlot> slots) : IOpenedFile
    {
        public IReadOnlyList<TextSlot> Slots => slots;

        public byte[] Save()
        {
            // Written as UTF-8 whatever the page was read as, so its declaration must say so.
            foreach (var meta in document.QuerySelectorAll("meta[charset]"))
            {
                meta.SetAttribute("charset", "utf-8");
            }

            return Encoding.UTF8.GetBytes(document.ToHtml());
        }

        public void Dispose() => document.Dispose();
    }
}
