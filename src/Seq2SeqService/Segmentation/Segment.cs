namespace Seq2SeqService.Segmentation;

/// <summary>
/// A piece of an input text short enough for the encoder, with the whitespace that followed it in the input,
/// so the translated pieces can be rejoined the way the source was laid out (a text's last separator is dropped).
/// </summary>
public sealed record Segment(string Text, IReadOnlyList<int> InputIds, string Separator);
