using System.Text;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Seq2SeqService.Options;

namespace Seq2SeqService.Documents;

/// <summary>
/// HTML (.html, .htm) through AngleSharp: each stretch of text and inline elements inside a block (a paragraph, a
/// heading, a list item, a cell) is one paragraph, its inline elements (bold, italic, links, spans) marks
/// (<see cref="InlineStretches"/>); the title and the <c>alt</c>, <c>title</c> and <c>placeholder</c> attributes are
/// translated too. Scripts, styles, preformatted blocks and anything marked <c>translate="no"</c> or
/// <c>class="notranslate"</c> are kept. A line break or an image ends a paragraph and stays where it is. The page is
/// written back as UTF-8.
/// </summary>
internal static class HtmlFormat
{
    private static readonly string[] TranslatedAttributes = ["alt", "title", "placeholder"];

    /// <exception cref="DocumentRejectedException">Binary data, which no HTML page holds.</exception>
    public static TranslatableDocument Read(byte[] file, DocumentOptions limits) =>
        file.AsSpan().IndexOf((byte)0) < 0
            ? new SlotDocument(file, Open)
            : throw new DocumentRejectedException("The file is not an HTML page: it holds binary data.");

    private static IOpenedFile Open(byte[] file)
    {
        var document = new HtmlParser().ParseDocument(new MemoryStream(file, writable: false));
        var tree = new HtmlTree();
        var slots = new List<TextSlot>();
        if (document.Head?.QuerySelector("title") is { } title && !tree.IsKept(title))
        {
            slots.Add(TextSlot.Plain(title.TextContent, t => title.TextContent = t));
        }

        if (document.Body is { } body)
        {
            InlineStretches.Collect<INode>(tree, body, slots);
        }

        foreach (var element in document.All.Where(e => !tree.IsKept(e)))
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

    /// <summary>An AngleSharp DOM as <see cref="InlineStretches"/> walks it.</summary>
    private sealed class HtmlTree : IMarkupTree<INode>
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

        public IEnumerable<INode> Children(INode node) => node.ChildNodes;

        public bool IsText(INode node) => node is IText;

        public bool IsElement(INode node) => node is IElement;

        public bool IsInline(INode element) => Inline.Contains(((IElement)element).LocalName);

        public bool IsKept(INode element) =>
            element.GetAncestors().OfType<IElement>().Prepend((IElement)element).Any(e => Kept.Contains(e.LocalName) ||
                string.Equals(e.GetAttribute("translate"), "no", StringComparison.OrdinalIgnoreCase) || e.ClassList.Contains("notranslate"));

        public string TextOf(INode node) => node.TextContent;

        public INode? Parent(INode node) => node.Parent;

        public INode NewText(INode near, string text) => near.Owner!.CreateTextNode(text);

        public INode ShallowCopy(INode element) => element.Clone(deep: false);

        public void Append(INode parent, INode child) => parent.AppendChild(child);

        public void InsertBefore(INode parent, INode node, INode anchor) => parent.InsertBefore(node, anchor);

        public void Remove(INode parent, INode node) => parent.RemoveChild(node);
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
