namespace Seq2Seq.Tokenizers;

/// <summary>The result of encoding one text: ids and, index for index, the pieces they stand for.</summary>
public sealed record TokenizedText(int[] Ids, string[] Pieces);
