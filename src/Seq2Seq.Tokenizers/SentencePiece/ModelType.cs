namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>The segmentation algorithm a SentencePiece model was trained for; values are those of sentencepiece_model.proto.</summary>
public enum ModelType
{
    Unigram = 1,
    Bpe = 2,
    Word = 3,
    Char = 4,
}
