namespace Seq2SeqService.Application;

/// <summary>
/// A range of a text that carries one inline mark: bold, italic, a hyperlink, inline code, an HTML element. The mark
/// itself is the caller's (a run's properties, an element), opaque to translation, which only moves its range from
/// the source words to the target words they align with.
/// </summary>
/// <param name="Start">Offset in UTF-16 code units.</param>
/// <param name="Length">Length in UTF-16 code units; marks may nest, never cross. A mark of length 0 is a point:
/// something without text between two characters (a footnote reference, a picture) that keeps its place by the words
/// around it.</param>
/// <param name="Mark">What the caller puts back around the range.</param>
public sealed record TextMark(int Start, int Length, object Mark);
