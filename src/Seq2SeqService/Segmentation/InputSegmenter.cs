namespace Seq2SeqService.Segmentation;

/// <summary>
/// Turns an input text into encoder-sized segments: the whole text when it fits the model's positions,
/// otherwise its sentences (never truncated). A sentence that alone exceeds the limit is an error.
/// </summary>
public static class InputSegmenter
{
    /// <exception cref="SentenceTooLongException">A sentence is longer than the model accepts.</exception>
    public static IReadOnlyList<Segment> Split(string text, ISourceTokenizer model)
    {
        var whole = model.Tokenize(text).Ids;
        if (whole.Count <= model.MaxInputTokens)
        {
            return [new Segment(text, whole, "")];
        }

        var sentences = SentenceSplitter.Split(text);
        var segments = new List<Segment>(sentences.Count);
        for (var i = 0; i < sentences.Count; i++)
        {
            var (sentence, separator) = sentences[i];
            var ids = model.Tokenize(sentence).Ids;
            if (ids.Count > model.MaxInputTokens)
            {
                throw new SentenceTooLongException(i + 1, sentences.Count, ids.Count, model);
            }

            segments.Add(new Segment(sentence, ids, separator));
        }

        return segments;
    }
}

/// <summary>A sentence that cannot be translated without truncation.</summary>
public sealed class SentenceTooLongException(int sentence, int sentences, int tokens, ISourceTokenizer model)
    : Exception($"Sentence {sentence} of {sentences} has {tokens} tokens; model '{model.Name}' accepts at most " +
                $"{model.MaxInputTokens} tokens per sentence (its position limit, end-of-sequence included). " +
                "Split the text into shorter sentences.");
