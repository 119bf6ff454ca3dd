using Seq2SeqService.Application;

namespace Seq2SeqService.Documents;

/// <summary>What <see cref="InlineStretches"/> needs of a markup tree (an HTML DOM, an XML document).</summary>
internal interface IMarkupTree<TNode> where TNode : class
{
    IEnumerable<TNode> Children(TNode node);

    bool IsText(TNode node);

    bool IsElement(TNode node);

    /// <summary>An element that formats text inside a paragraph (bold, a link, a span), by its name.</summary>
    bool IsInline(TNode element);

    /// <summary>
    /// An element whose whole subtree is kept as it is (a script, a style sheet, tracked deletions, inline code); an
    /// inline one is kept inside the sentence around it.
    /// </summary>
    bool IsKept(TNode element);

    string TextOf(TNode node);

    TNode? Parent(TNode node);

    TNode NewText(TNode near, string text);

    /// <summary>The element with its attributes and no children.</summary>
    TNode ShallowCopy(TNode element);

    /// <summary>The element with its attributes and its whole subtree.</summary>
    TNode DeepCopy(TNode element);

    void Append(TNode parent, TNode child);

    void InsertBefore(TNode parent, TNode node, TNode anchor);

    void Remove(TNode parent, TNode node);
}

/// <summary>
/// Paragraphs of a markup tree: each stretch of text and inline elements among a block's children is one, its inline
/// elements (nested ones too) marks over their text. An inline element that is kept (code) is a mark whose text is
/// never translated (<see cref="OpaqueMarks"/>); a copy of it takes its range. Any other element ends a stretch, stays
/// where it is and is visited in turn. A translation replaces the stretch: its marked pieces inside copies of their
/// elements (and of the elements around those, up to the block), the rest as text; without marks, the whole text
/// inside the element most of the source's characters were in (or none).
/// </summary>
internal static class InlineStretches
{
    public static void Collect<TNode>(IMarkupTree<TNode> tree, TNode block, List<TextSlot> slots) where TNode : class
    {
        if (tree.IsKept(block))
        {
            return;
        }

        var stretch = new List<TNode>();
        foreach (var child in tree.Children(block).ToList())
        {
            if (tree.IsText(child) || IsPureInline(tree, child))
            {
                stretch.Add(child);
                continue;
            }

            Flush(tree, block, stretch, slots);
            if (tree.IsElement(child))
            {
                Collect(tree, child, slots);
            }
        }

        Flush(tree, block, stretch, slots);
    }

    private static bool IsPureInline<TNode>(IMarkupTree<TNode> tree, TNode node) where TNode : class =>
        tree.IsElement(node) && tree.IsInline(node) &&
        (tree.IsKept(node) || tree.Children(node).All(c => tree.IsText(c) || IsPureInline(tree, c)));

    /// <summary>A mark over an inline element that is kept: the stretch's walk never goes inside one.</summary>
    private static Func<object, bool> Opaque<TNode>(IMarkupTree<TNode> tree) where TNode : class =>
        mark => mark is TNode node && tree.IsKept(node);

    private static void Flush<TNode>(IMarkupTree<TNode> tree, TNode block, List<TNode> stretch, List<TextSlot> slots)
        where TNode : class
    {
        if (stretch.Count == 0)
        {
            return;
        }

        var nodes = stretch.ToList();
        stretch.Clear();
        var marks = new List<TextMark>();
        var at = 0;
        foreach (var node in nodes)
        {
            Mark(tree, node, at, marks);
            at += tree.TextOf(node).Length;
        }

        var text = string.Concat(nodes.Select(tree.TextOf));
        if (!OpaqueMarks.HasProse(text, marks, Opaque(tree)))
        {
            return;
        }

        var dominant = Enumerable.Range(0, at)
            .Select(i => marks.Where(m => m.Start <= i && i < m.Start + m.Length).MinBy(m => m.Length)?.Mark as TNode)
            .GroupBy(e => e).MaxBy(g => g.Count())?.Key;
        slots.Add(new TextSlot(text, marks,
            translation => Write(tree, block, nodes, OpaqueMarks.Keep(translation, text, marks, Opaque(tree)), dominant)));
    }

    /// <summary>A mark for each element of <paramref name="node"/>'s subtree, over its text.</summary>
    private static void Mark<TNode>(IMarkupTree<TNode> tree, TNode node, int start, List<TextMark> marks) where TNode : class
    {
        if (!tree.IsElement(node))
        {
            return;
        }

        if (tree.TextOf(node).Length > 0)
        {
            marks.Add(new TextMark(start, tree.TextOf(node).Length, node));
        }

        if (tree.IsKept(node))
        {
            return;
        }

        foreach (var child in tree.Children(node))
        {
            Mark(tree, child, start, marks);
            start += tree.TextOf(child).Length;
        }
    }

    private static void Write<TNode>(IMarkupTree<TNode> tree, TNode block, IReadOnlyList<TNode> nodes,
        TranslationCandidate translation, TNode? dominant) where TNode : class
    {
        var unmarked = translation.Marks.Count > 0 ? null : dominant;
        foreach (var (element, piece) in MarkedPieces.Cut(translation.Text, translation.Marks, unmarked, ReferenceEquals))
        {
            var kept = element is not null && tree.IsKept(element);
            var node = kept ? tree.DeepCopy(element!) : tree.NewText(block, piece);
            for (var wrapper = kept ? tree.Parent(element!) : element; wrapper is not null && wrapper != block; wrapper = tree.Parent(wrapper))
            {
                var copy = tree.ShallowCopy(wrapper);
                tree.Append(copy, node);
                node = copy;
            }

            tree.InsertBefore(block, node, nodes[0]);
        }

        foreach (var node in nodes)
        {
            tree.Remove(block, node);
        }
    }
}
