using System.Net;

namespace Seq2SeqService.Html;

/// <summary>An attribute of a start tag: its name, and where its value is written in the tag (its quotes excluded).</summary>
public sealed record TagAttribute(string Name, int ValueStart, int ValueLength, char? Quote);

/// <summary>
/// A start tag's attributes where they are written, as HTML's tokenizer reads them (quoted, unquoted or without a
/// value), so that one can be read decoded or replaced in place with the rest of the tag left byte for byte.
/// </summary>
public static class TagAttributes
{
    public static IReadOnlyList<TagAttribute> Of(string tag)
    {
        var attributes = new List<TagAttribute>();
        var i = 1;
        while (i < tag.Length && !IsSpace(tag[i]) && tag[i] is not ('/' or '>'))
        {
            i++;
        }

        while (i < tag.Length)
        {
            while (i < tag.Length && (IsSpace(tag[i]) || tag[i] == '/'))
            {
                i++;
            }

            if (i >= tag.Length || tag[i] == '>')
            {
                break;
            }

            var nameStart = i;
            while (i < tag.Length && !IsSpace(tag[i]) && tag[i] is not ('/' or '>') && (tag[i] != '=' || i == nameStart))
            {
                i++;
            }

            var name = tag[nameStart..i];
            var afterName = i;
            while (i < tag.Length && IsSpace(tag[i]))
            {
                i++;
            }

            if (i >= tag.Length || tag[i] != '=')
            {
                attributes.Add(new TagAttribute(name, afterName, 0, null));
                i = afterName;
                continue;
            }

            i++;
            while (i < tag.Length && IsSpace(tag[i]))
            {
                i++;
            }

            if (i < tag.Length && tag[i] is '"' or '\'')
            {
                var quote = tag[i];
                var close = tag.IndexOf(quote, i + 1);
                close = close < 0 ? tag.Length : close;
                attributes.Add(new TagAttribute(name, i + 1, close - i - 1, quote));
                i = close + 1;
            }
            else
            {
                var valueStart = i;
                while (i < tag.Length && !IsSpace(tag[i]) && tag[i] != '>')
                {
                    i++;
                }

                attributes.Add(new TagAttribute(name, valueStart, i - valueStart, null));
            }
        }

        return attributes;
    }

    /// <summary>The first attribute named <paramref name="name"/>'s value, decoded; null when the tag has none.</summary>
    public static string? Value(string tag, string name) =>
        Of(tag).FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } attribute
            ? Value(tag, attribute)
            : null;

    /// <summary><paramref name="attribute"/>'s value in <paramref name="tag"/>, decoded.</summary>
    public static string Value(string tag, TagAttribute attribute) =>
        WebUtility.HtmlDecode(tag.Substring(attribute.ValueStart, attribute.ValueLength));

    /// <summary>
    /// The tag with each attribute's value replaced by the one given, escaped for its quotes; an unquoted value is
    /// written in double quotes, which any value may take.
    /// </summary>
    public static string With(string tag, IEnumerable<(TagAttribute Attribute, string Value)> values)
    {
        foreach (var (attribute, value) in values.OrderByDescending(v => v.Attribute.ValueStart))
        {
            var quote = attribute.Quote ?? '"';
            var escaped = value.Replace("&", "&amp;").Replace(quote == '"' ? "\"" : "'", quote == '"' ? "&quot;" : "&#39;");
            var written = attribute.Quote is null ? $"\"{escaped}\"" : escaped;
            tag = string.Concat(tag.AsSpan(0, attribute.ValueStart), written, tag.AsSpan(attribute.ValueStart + attribute.ValueLength));
        }

        return tag;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f';
}
