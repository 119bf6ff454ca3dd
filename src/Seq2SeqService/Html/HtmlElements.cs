namespace Seq2SeqService.Html;

/// <summary>
/// What HTML's elements and attributes mean for translation, the same for pages, EPUB's XHTML and the text APIs' HTML
/// (docs/documents.md#formats).
/// </summary>
public static class HtmlElements
{
    /// <summary>Elements that format words inside a sentence (bold, a link, a span): marks over their text.</summary>
    public static readonly IReadOnlySet<string> Inline = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark",
        "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    };

    /// <summary>
    /// Inline elements that hold code, keyboard input, program output or a variable's name, never prose: their text
    /// stays as written inside the sentence that is translated around it.
    /// </summary>
    public static readonly IReadOnlySet<string> Code = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "code", "kbd", "samp", "var",
    };

    /// <summary>Elements whose whole content stays as written: not prose, preformatted, or a form's initial text.</summary>
    public static readonly IReadOnlySet<string> Kept = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "pre", "noscript", "template", "svg", "math", "textarea",
    };

    /// <summary>
    /// HTML's <c>translate="no"</c> (which DeepL honours) or the <c>notranslate</c> class (Google's); either keeps the
    /// element's text as written.
    /// </summary>
    public static bool IsNoTranslate(string? translate, string? classes) =>
        string.Equals(translate?.Trim(), "no", StringComparison.OrdinalIgnoreCase) ||
        classes?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Contains("notranslate") == true;
}
