using System.Xml.Linq;

namespace Seq2SeqService.Documents;

/// <summary>
/// An XML document as <see cref="InlineStretches"/> walks it, with its format's inline and kept elements, and
/// which elements its attributes keep (<paramref name="keptByAttributes"/>).
/// </summary>
internal sealed class XmlTree(IReadOnlySet<XName> inline, IReadOnlySet<XName> kept, Func<XElement, bool>? keptByAttributes = null)
    : IMarkupTree<XNode>
{
    public IEnumerable<XNode> Children(XNode node) => node is XContainer container ? container.Nodes() : [];

    public bool IsText(XNode node) => node is XText;

    public bool IsElement(XNode node) => node is XElement;

    public bool IsInline(XNode element) => inline.Contains(((XElement)element).Name);

    public bool IsKept(XNode element) =>
        ((XElement)element).AncestorsAndSelf().Any(e => kept.Contains(e.Name) || keptByAttributes?.Invoke(e) == true);

    public string TextOf(XNode node) => node switch { XText text => text.Value, XElement element => element.Value, _ => "" };

    public XNode? Parent(XNode node) => node.Parent;

    public XNode NewText(XNode near, string text) => new XText(text);

    public XNode ShallowCopy(XNode element) => new XElement(((XElement)element).Name, ((XElement)element).Attributes());

    public XNode DeepCopy(XNode element) => new XElement((XElement)element);

    public void Append(XNode parent, XNode child) => ((XElement)parent).Add(child);

    public void InsertBefore(XNode parent, XNode node, XNode anchor) => anchor.AddBeforeSelf(node);

    public void Remove(XNode parent, XNode node) => node.Remove();
}
