namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>The "pre_tokenizer" of a tokenizer.json: cuts one normalized segment into the words the model cuts further.</summary>
internal interface IPreTokenizer
{
    /// <param name="normalized">one normalized segment of the input (added tokens already taken out)</param>
    /// <param name="atInputStart">whether the segment begins the original input</param>
    /// <param name="output">receives the words</param>
    void PreTokenize(string normalized, bool atInputStart, List<string> output);
}
