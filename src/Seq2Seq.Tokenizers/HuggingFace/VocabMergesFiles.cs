using System.Text.Json;

namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>
/// A byte-level BPE tokenizer from the two files the Python (slow) GPT-2, RoBERTa and BART tokenizers read, for a
/// bundle without tokenizer.json: vocab.json (token → id) and merges.txt (a "#version" line, then one "left right"
/// merge a line, most frequent first). It is the tokenizer.json Hugging Face's RobertaConverter writes from them:
/// ByteLevel pre-tokenizer and decoder, BPE without dropout, &lt;s&gt; X &lt;/s&gt; around the text, and the special
/// tokens &lt;s&gt; &lt;pad&gt; &lt;/s&gt; &lt;unk&gt; &lt;mask&gt; (the last taking the space before it along) where the vocabulary has them.
/// </summary>
public static class VocabMergesFiles
{
    private static readonly string[] Specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"];

    /// <exception cref="InvalidDataException">A merge is not two tokens, or names a token the vocabulary lacks; &lt;s&gt; or &lt;/s&gt; is missing.</exception>
    public static HuggingFaceTokenizer Load(string vocabPath, string mergesPath, bool addPrefixSpace)
    {
        Dictionary<string, int> vocab;
        using (var stream = File.OpenRead(vocabPath))
        {
            vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(stream)
                ?? throw new InvalidDataException($"{vocabPath} holds no vocabulary.");
        }

        var lines = File.ReadAllLines(mergesPath);
        var merges = lines.Where((line, i) => line.Length > 0 && !(i == 0 && line.StartsWith("#version", StringComparison.Ordinal)))
            .Select(TokenizerJson.SplitMerge).ToList();
        var model = new BpeModel(vocab, merges, "<unk>", null, null, fuseUnknown: false, byteFallback: false, ignoreMerges: false);
        var added = Specials.Where(vocab.ContainsKey)
            .Select(t => new AddedToken(vocab[t], t, Special: true, Normalized: false, LStrip: t == "<mask>", RStrip: false, SingleWord: false))
            .ToList();
        TemplatePart Special(string token) => vocab.TryGetValue(token, out var id)
            ? new TemplatePart([id], [token])
            : throw new InvalidDataException($"{vocabPath} has no '{token}', which is written around every text.");
        return new HuggingFaceTokenizer(added, null, new ByteLevelPreTokenizer(addPrefixSpace, useRegex: true), model,
            new ByteLevelDecoder(), [Special("<s>"), TemplatePart.Text, Special("</s>")]);
    }
}
