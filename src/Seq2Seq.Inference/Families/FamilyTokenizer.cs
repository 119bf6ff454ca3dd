using Seq2Seq.Tokenizers;
using Seq2Seq.Tokenizers.HuggingFace;
using Seq2Seq.Tokenizers.Marian;

namespace Seq2Seq.Inference.Families;

/// <summary>A family's tokenizer: the bundle files it reads and how it loads from the bundle folder.</summary>
/// <param name="File">The file a load failure is reported against.</param>
/// <param name="Companions">The other files it reads, for that report.</param>
/// <param name="Load">Loads it from the bundle folder.</param>
public sealed record FamilyTokenizer(string File, string Companions, Func<string, ITokenizer> Load)
{
    /// <summary>
    /// Marian's pair of SentencePiece models: source.spm cuts sources, target.spm joins outputs, vocab.json maps
    /// pieces to ids. A tokenizer.json holds one model for both sides, so it stands in only where the two are the
    /// same model (as in our bundles), not for opus-mt's.
    /// </summary>
    public static FamilyTokenizer MarianPair { get; } = new("vocab.json", "source.spm and target.spm", MarianTokenizer.Load);

    /// <summary>One Hugging Face tokenizer.json for sources and outputs (NLLB, M2M100, T5, BART as the hub's fast tokenizers ship them).</summary>
    public static FamilyTokenizer HuggingFaceJson { get; } = new("tokenizer.json", "no other file",
        folder => TokenizerJson.Load(Path.Combine(folder, "tokenizer.json")));
}
