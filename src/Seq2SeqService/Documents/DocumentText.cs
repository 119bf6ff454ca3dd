using System.Text;
using Seq2SeqService.Application;

namespace Seq2SeqService.Documents;

/// <summary>
/// A document cut into what is kept byte for byte (markup, cue numbers and timings, code, blank lines) and the
/// paragraphs that are translated, each whole, so that its sentences reach the model as sentences. Spans inside a
/// paragraph that must come back untouched (inline code, URLs) travel as placeholders and are put back from the
/// source, never from the model's output.
/// </summary>
public sealed class DocumentText : TranslatableDocument
{
    private readonly List<Part> _parts = [];

    /// <summary>The paragraphs to translate, in order, with their protected spans as placeholders.</summary>
    public override IReadOnlyList<string> Paragraphs => _parts.Where(p => p.Translated).Select(p => p.Text).ToList();

    /// <summary>Characters (Unicode scalar values, as DeepL bills them) of the paragraphs, protected spans included.</summary>
    public override long Characters => _parts.Where(p => p.Translated)
        .Sum(p => (long)p.Protected.Aggregate(p.Text, Restore).EnumerateRunes().Count());

    public void Keep(string raw)
    {
        if (raw.Length > 0)
        {
            _parts.Add(new Part(raw, false, []));
        }
    }

    /// <summary>
    /// Adds a paragraph to translate; its surrounding whitespace is kept as it is (the model drops it), and a
    /// paragraph without letters or digits is kept whole.
    /// </summary>
    public void Translate(string text, IReadOnlyList<(string Placeholder, string Original)>? protectedSpans = null)
    {
        var core = text.Trim();
        var spans = protectedSpans ?? [];
        var words = spans.Aggregate(core, (t, s) => t.Replace(s.Placeholder, "", StringComparison.Ordinal));
        if (!words.Any(char.IsLetterOrDigit))
        {
            Keep(spans.Aggregate(text, Restore));
            return;
        }

        Keep(text[..(text.Length - text.TrimStart().Length)]);
        _parts.Add(new Part(core, true, spans));
        Keep(text[text.TrimEnd().Length..]);
    }

    /// <summary>The text as UTF-8, a byte-order mark kept where the file had one.</summary>
    public override byte[] Write(IReadOnlyList<TranslationCandidate> translations) =>
        Encoding.UTF8.GetBytes(Rebuild(translations.Select(t => t.Text).ToList()));

    /// <summary>The document with each paragraph replaced by its translation, in <see cref="Paragraphs"/>' order.</summary>
    public string Rebuild(IReadOnlyList<string> translations)
    {
        var text = new StringBuilder();
        var next = 0;
        foreach (var part in _parts)
        {
            text.Append(part.Translated ? part.Protected.Aggregate(translations[next++], Restore) : part.Text);
        }

        return text.ToString();
    }

    /// <summary>
    /// The span back in place of its placeholder; one the model dropped is appended to the paragraph, so that
    /// nothing protected is ever lost.
    /// </summary>
    private static string Restore(string text, (string Placeholder, string Original) span)
    {
        var at = text.IndexOf(span.Placeholder, StringComparison.Ordinal);
        return at < 0
            ? $"{text} {span.Original}"
            : string.Concat(text.AsSpan(0, at), span.Original, text.AsSpan(at + span.Placeholder.Length));
    }

    private sealed record Part(string Text, bool Translated, IReadOnlyList<(string Placeholder, string Original)> Protected);
}
