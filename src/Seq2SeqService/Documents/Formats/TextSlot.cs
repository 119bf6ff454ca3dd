using Seq2SeqService.Application;

namespace Seq2SeqService.Documents;

/// <summary>A piece of a file translated as one paragraph: its text, its inline marks, and where its translation goes.</summary>
/// <param name="Text">The whole paragraph, every run's text joined.</param>
/// <param name="Marks">Ranges of <paramref name="Text"/> formatted unlike the rest.</param>
/// <param name="Put">Writes a translation (with its marks moved onto it) in place of the source.</param>
internal sealed record TextSlot(string Text, IReadOnlyList<TextMark> Marks, Action<TranslationCandidate> Put)
{
    /// <summary>A slot without inline formatting: an attribute, a title, a plain string.</summary>
    public static TextSlot Plain(string text, Action<string> put) => new(text, [], t => put(t.Text));
}

/// <summary>
/// A file opened by its format's library: its slots, in the same order every time the same bytes are opened, and
/// the file's bytes once the slots are filled.
/// </summary>
internal interface IOpenedFile : IDisposable
{
    IReadOnlyList<TextSlot> Slots { get; }

    byte[] Save();
}
