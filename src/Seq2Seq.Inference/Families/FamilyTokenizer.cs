using System.Text.Json;
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

    /// <summary>
    /// BART's byte-level BPE: tokenizer.json where the bundle has one, else vocab.json and merges.txt as the Python
    /// BartTokenizer reads them (tokenizer_config.json's add_prefix_space, false when absent).
    /// </summary>
    public static FamilyTokenizer ByteLevelBpe { get; } = new("tokenizer.json", "vocab.json and merges.txt where it is absent", folder =>
        System.IO.File.Exists(Path.Combine(folder, "tokenizer.json"))
            ? TokenizerJson.Load(Path.Combine(folder, "tokenizer.json"))
            : VocabMergesFiles.Load(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"), AddPrefixSpace(folder)));

    private static bool AddPrefixSpace(string folder)
    {
        var path = Path.Combine(folder, "tokenizer_config.json");
        if (!System.IO.File.Exists(path))
        {
            return false;
        }

        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        return document.RootElement.TryGetProperty("add_prefix_space", out var value) && value.ValueKind == JsonValueKind.True;
    }
}
