using System.Text.RegularExpressions;

namespace Seq2SeqService.Documents;

/// <summary>
/// Markdown, line by line: fenced and indented code, HTML blocks, tables, thematic breaks, setext underlines and link
/// definitions are kept as they are; a heading, list item, quote or plain paragraph has its markers kept and its text
/// (continuation lines joined, so each sentence reaches the model whole) translated, with inline code, link
/// destinations, autolinks, inline HTML tags and bare URLs protected. Emphasis markers stay in the sentence, where
/// the model carries them; aligning them to the target words is the rest of issue #25.
/// </summary>
public static partial class MarkdownReader
{
    public static void Read(string content, DocumentText text)
    {
        var lines = DocumentFormat.Lines(content).ToList();
        string? fence = null;
        var previousBlank = true;
        var inCode = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var (line, lineBreak) = lines[i];
            if (fence is not null)
            {
                text.Keep(line + lineBreak);
                if (Fence().Match(line) is { Success: true } closing && closing.Groups[1].Value.StartsWith(fence, StringComparison.Ordinal) &&
                    closing.Groups[2].Value.Trim().Length == 0)
                {
                    fence = null;
                }

                continue;
            }

            var blank = string.IsNullOrWhiteSpace(line);
            inCode = !blank && IndentedCode().IsMatch(line) && (previousBlank || inCode);
            if (blank || inCode || IsKeptBlock(line))
            {
                if (Fence().Match(line) is { Success: true } opening)
                {
                    fence = opening.Groups[1].Value;
                }

                text.Keep(line + lineBreak);
                previousBlank = blank;
                continue;
            }

            previousBlank = false;
            var marker = BlockMarker().Match(line).Value;
            var paragraph = new List<string> { line[marker.Length..] };
            var end = lineBreak;
            var heading = marker.TrimStart(' ', '\t', '>').StartsWith('#');
            var depth = Depth(marker);
            while (!heading && i + 1 < lines.Count && IsContinuation(lines[i + 1].Content, depth))
            {
                i++;
                paragraph.Add(lines[i].Content.TrimStart(' ', '\t', '>'));
                end = lines[i].Break;
            }

            text.Keep(marker);
            var (masked, spans) = Protect(string.Join("\n", paragraph));
            text.Translate(masked, spans);
            text.Keep(end);
        }
    }

    private static bool IsKeptBlock(string line) =>
        Fence().IsMatch(line) || KeptBlock().IsMatch(line);

    /// <summary>
    /// Whether <paramref name="line"/> goes on the paragraph above: text at the same quote depth that starts no block
    /// of its own, so that a quoted sentence wrapped over several <c>&gt;</c> lines reaches the model whole.
    /// </summary>
    private static bool IsContinuation(string line, int depth)
    {
        var marker = BlockMarker().Match(line).Value;
        return !string.IsNullOrWhiteSpace(line[marker.Length..]) && !IsKeptBlock(line[Quote(line).Length..]) &&
               marker.Trim(' ', '\t', '>').Length == 0 && Depth(marker) == depth;
    }

    private static int Depth(string marker) => Quote(marker).Count(c => c == '>');

    private static string Quote(string line) => QuotePrefix().Match(line).Value;

    /// <summary>The paragraph with each protected span replaced by a placeholder the paragraph does not already hold.</summary>
    private static (string Masked, IReadOnlyList<(string Placeholder, string Original)> Spans) Protect(string paragraph)
    {
        var spans = new List<(string, string)>();
        var next = 0;
        var masked = Inline().Replace(paragraph, match =>
        {
            string placeholder;
            do
            {
                placeholder = $"{{{next++}}}";
            }
            while (paragraph.Contains(placeholder, StringComparison.Ordinal));

            spans.Add((placeholder, match.Value));
            return placeholder;
        });
        return (masked, spans);
    }

    [GeneratedRegex(@"^ {0,3}(`{3,}|~{3,})(.*)$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^[ \t]*(?:>[ \t]?)*")]
    private static partial Regex QuotePrefix();

    [GeneratedRegex(@"^(?: {4}|\t)")]
    private static partial Regex IndentedCode();

    /// <summary>HTML blocks, tables, thematic breaks and setext underlines, link reference definitions.</summary>
    [GeneratedRegex(@"^(?: {0,3}<|\s*\||\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|=+\s*)$| {0,3}\[[^\]]+\]:\s)")]
    private static partial Regex KeptBlock();

    /// <summary>Indentation, quote markers, then a heading's hashes or a list item's marker (and task box).</summary>
    [GeneratedRegex(@"^[ \t]*(?:>[ \t]?)*(?:#{1,6}[ \t]+|(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)?")]
    private static partial Regex BlockMarker();

    /// <summary>Inline code, a link's or image's destination, autolinks and inline HTML tags, bare URLs.</summary>
    [GeneratedRegex(@"(`+)[^`].*?\1|(?<=\])\([^)\s]*(?:\s+""[^""]*"")?\)|<(?:[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*|[^\s<>@]+@[^\s<>]+|/?[a-zA-Z][^<>]*)>|\b(?:https?|ftp)://[^\s<>()]+", RegexOptions.Singleline)]
    private static partial Regex Inline();
}
