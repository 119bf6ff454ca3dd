using Seq2Seq.Tokenizers;

namespace Seq2Seq.Inference.Families;

/// <summary>
/// A tokenizer that encodes every text after a task's prefix, as Hugging Face's pipelines write T5's sources: the
/// prefix is joined to the text before tokenizing, so pieces may span the seam as they would in one string.
/// </summary>
internal sealed class PrefixedTokenizer(ITokenizer tokenizer, string prefix) : ITokenizer
{
    public int VocabSize => tokenizer.VocabSize;

    public int EosId => tokenizer.EosId;

    public int PadId => tokenizer.PadId;

    public int UnkId => tokenizer.UnkId;

    public TokenizedText Encode(string text) => tokenizer.Encode(prefix + text);

    public string IdToPiece(int id) => tokenizer.IdToPiece(id);

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true) => tokenizer.Decode(ids, skipSpecialTokens);
}
