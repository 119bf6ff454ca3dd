namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>The "model" of a tokenizer.json: cuts one pre-tokenized word into vocabulary tokens.</summary>
internal interface ITokenModel
{
    /// <summary>Token text by id; null where the vocabulary leaves an id unused.</summary>
    string?[] Tokens { get; }

    int? UnkId { get; }

    int? TokenToId(string token);

    /// <summary>Appends the ids, and the tokens when <paramref name="pieces"/> is given, of one non-empty word.</summary>
    void Tokenize(string word, List<int> ids, List<string>? pieces);
}
