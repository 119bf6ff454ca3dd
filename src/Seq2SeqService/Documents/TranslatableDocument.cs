using Seq2SeqService.Application;

namespace Seq2SeqService.Documents;

/// <summary>
/// A file read for translation: the paragraphs it sends, each whole, with the inline marks of each, and the file
/// written back with their translations in place of the source text.
/// </summary>
public abstract class TranslatableDocument
{
    /// <summary>The paragraphs to translate, in order.</summary>
    public abstract IReadOnlyList<string> Paragraphs { get; }

    /// <summary>
    /// The inline marks of each paragraph (one list per paragraph, in <see cref="Paragraphs"/>' order), carried to
    /// the target words they align with; <see langword="null"/> for formats without inline formatting.
    /// </summary>
    public virtual IReadOnlyList<IReadOnlyList<TextMark>>? Marks => null;

    /// <summary>Characters (Unicode scalar values, as DeepL bills them) of what is translated.</summary>
    public virtual long Characters => Paragraphs.Sum(p => (long)p.EnumerateRunes().Count());

    /// <summary>The file with each paragraph replaced by its translation, in <see cref="Paragraphs"/>' order.</summary>
    public abstract byte[] Write(IReadOnlyList<TranslationCandidate> translations);
}
