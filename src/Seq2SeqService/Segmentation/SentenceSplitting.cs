namespace Seq2SeqService.Segmentation;

/// <summary>How a text is cut into sentences before the encoder, with DeepL's <c>split_sentences</c> values.</summary>
public enum SentenceSplitting
{
    /// <summary><c>"1"</c>: at sentence ends and at line breaks (the default).</summary>
    All,

    /// <summary><c>"nonewlines"</c>: at sentence ends only; a line break inside a sentence is read as a space.</summary>
    NoNewlines,

    /// <summary><c>"0"</c>: the whole text as one segment while it fits the encoder, for models trained on paragraphs.</summary>
    None,
}

/// <summary>The wire names of <see cref="SentenceSplitting"/>, shared by every API that takes <c>split_sentences</c>.</summary>
public static class SentenceSplittingNames
{
    public const string Allowed = "\"1\" (sentence ends and line breaks), \"nonewlines\" (sentence ends only) or \"0\" (no splitting)";

    /// <summary>The mode a wire value names, or null for a value that names none.</summary>
    public static SentenceSplitting? Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "1" => SentenceSplitting.All,
        "nonewlines" => SentenceSplitting.NoNewlines,
        "0" => SentenceSplitting.None,
        _ => null,
    };

    public static string Name(SentenceSplitting mode) => mode switch
    {
        SentenceSplitting.NoNewlines => "nonewlines",
        SentenceSplitting.None => "0",
        _ => "1",
    };
}
