using System.Net;
using System.Text;

namespace Seq2SeqService.Html;

/// <summary>One piece of an HTML or XML document: markup kept as it is, or a text node to translate.</summary>
public sealed record MarkupPart(string Raw, bool IsText);

/// <summary>
/// Splits HTML or XML into tags (with comments, CDATA, doctypes and the contents of script and style
/// elements) and text nodes, so text nodes can be translated and the markup put back unchanged. A lenient
/// scanner rather than a parser: it never rejects input, and a '&lt;' that cannot start a tag is text.
/// </summary>
public static class Markup
{
    private static readonly string[] RawTextElements = ["script", "style"];

    public static IReadOnlyList<MarkupPart> Split(string document)
    {
        var parts = new List<MarkupPart>();
        var text = new StringBuilder();
        var i = 0;
        while (i < document.Length)
        {
            var end = document[i] == '<' ? TagEnd(document, i) : -1;
            if (end < 0)
            {
                text.Append(document[i]);
                i++;
                continue;
            }

            if (text.Length > 0)
            {
                parts.Add(new MarkupPart(text.ToString(), true));
                text.Clear();
            }

            parts.Add(new MarkupPart(document[i..end], false));
            i = end;
        }

        if (text.Length > 0)
        {
            parts.Add(new MarkupPart(text.ToString(), true));
        }

        return parts;
    }

    /// <summary>Whether an element's content is raw text, which <see cref="Split"/> returns with its tags as one part.</summary>
    public static bool IsRawText(string name) => RawTextElements.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The decoded text of a text node (entities resolved).</summary>
    public static string Decode(string raw) => WebUtility.HtmlDecode(raw);

    /// <summary>Text made safe for a text node: only the characters markup gives meaning to are escaped.</summary>
    public static string Encode(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>Index just past the construct starting at <paramref name="start"/>, or -1 if it is not markup.</summary>
    private static int TagEnd(string s, int start)
    {
        if (At(s, start, "<!--"))
        {
            return After(s, start + 4, "-->");
        }

        if (At(s, start, "<![CDATA["))
        {
            return After(s, start + 9, "]]>");
        }

        if (start + 1 >= s.Length || !(char.IsAsciiLetter(s[start + 1]) || s[start + 1] is '/' or '!' or '?'))
        {
            return -1;
        }

        var end = CloseOfTag(s, start + 1);
        if (end < 0)
        {
            return -1;
        }

        var name = TagName(s, start + 1);
        var selfClosing = s[end - 2] == '/';
        if (!selfClosing && IsRawText(name))
        {
            var close = s.IndexOf("</" + name, end, StringComparison.OrdinalIgnoreCase);
            var closeEnd = close < 0 ? -1 : CloseOfTag(s, close + 2);
            return closeEnd < 0 ? s.Length : closeEnd;
        }

        return end;
    }

    /// <summary>Index past the '&gt;' closing a tag, skipping quoted attribute values; -1 if none.</summary>
    private static int CloseOfTag(string s, int from)
    {
        char? quote = null;
        for (var i = from; i < s.Length; i++)
        {
            var c = s[i];
            if (quote is not null)
            {
                quote = c == quote ? null : quote;
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '>')
            {
                return i + 1;
            }
        }

        return -1;
    }

    private static string TagName(string s, int from)
    {
        var i = from;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '-' or ':' or '_'))
        {
            i++;
        }

        return s[from..i];
    }

    private static bool At(string s, int index, string prefix) =>
        string.CompareOrdinal(s, index, prefix, 0, prefix.Length) == 0;

    private static int After(string s, int from, string terminator)
    {
        var found = s.IndexOf(terminator, from, StringComparison.Ordinal);
        return found < 0 ? s.Length : found + terminator.Length;
    }
}
