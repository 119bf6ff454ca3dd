namespace Seq2SeqService.Segmentation;

/// <summary>What segmentation needs from a model: its source tokenizer and position limit.</summary>
public interface ISourceTokenizer
{
    string Name { get; }

    /// <summary>Longest source sequence, end-of-sequence included, the encoder accepts.</summary>
    int MaxInputTokens { get; }

    /// <summary>The source tokenizer's ids and pieces for a text, end-of-sequence included.</summary>
    SourceTokens Tokenize(string text);
}

/// <summary>Token ids with their pieces.</summary>
public sealed record SourceTokens(IReadOnlyList<int> Ids, IReadOnlyList<string> Pieces);
