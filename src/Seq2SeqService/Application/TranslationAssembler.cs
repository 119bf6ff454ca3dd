using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Application;

/// <summary>Rejoins the outputs of each text's sentences into one translation per input text, in its source's layout.</summary>
public static class TranslationAssembler
{
    /// <param name="texts">The segmented texts, in input order.</param>
    /// <param name="outputs">One output per segment, text after text.</param>
    /// <param name="settings">The request's settings, which say how a sequence is scored.</param>
    public static IReadOnlyList<TextTranslation> Assemble(IReadOnlyList<SegmentedText> texts,
        IReadOnlyList<SequenceOutput> outputs, GenerationSettings settings)
    {
        var translations = new List<TextTranslation>(texts.Count);
        var first = 0;
        foreach (var text in texts)
        {
            var own = outputs.Skip(first).Take(text.Segments.Count).ToList();
            var count = own.Count == 0 ? 1 : own[0].Candidates.Count;
            var candidates = Enumerable.Range(0, count).Select(c => Join(text, own, c, settings)).ToList();
            translations.Add(new TextTranslation(candidates, text.InputTokens));
            first += text.Segments.Count;
        }

        return translations;
    }

    private static TranslationCandidate Join(SegmentedText text, IReadOnlyList<SequenceOutput> outputs, int candidate,
        GenerationSettings settings)
    {
        var picked = outputs.Select(o => o.Candidates[Math.Min(candidate, o.Candidates.Count - 1)]).ToList();
        var finish = picked.Any(c => c.FinishReason == FinishReason.Length) ? FinishReason.Length : FinishReason.Eos;
        var attention = picked.Count > 0 && picked.All(c => c.Attention is not null)
            ? TokenAttention.Concatenate([.. picked.Select(c => c.Attention!)])
            : null;
        var sentences = picked.Select((c, i) => new SentenceScore(text.Segments[i].Text, c.Text,
            SequenceScores.Mean(c.LogProbability, c.OutputTokens), SequenceScores.Score(c.LogProbability, c.OutputTokens, settings))).ToList();
        var tokens = picked.Sum(c => c.OutputTokens);
        var logProbability = picked.Sum(c => c.LogProbability);
        return new TranslationCandidate(text.Layout.Rejoin([.. picked.Select(c => c.Text)]), finish, tokens, attention)
        {
            MeanLogProbability = SequenceScores.Mean(logProbability, tokens),
            Score = SequenceScores.Score(logProbability, tokens, settings),
            Sentences = sentences,
        };
    }
}
