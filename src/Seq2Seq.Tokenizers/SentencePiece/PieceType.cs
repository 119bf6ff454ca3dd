namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>The kinds of vocabulary entries in a SentencePiece model; values are those of sentencepiece_model.proto.</summary>
public enum PieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
