using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Application;

/// <summary>Rejoins the outputs of each text's sentences into one translation per input text, in its source's layout.</summary>
public static class TranslationAssembler
{
    /// <param name="texts">The segmented texts, in input order.</param>
    /// <param name="outputs">One output per segment, text after text.</param>
    /// <param name="settings">The request's settings, which say how a sequence is scored.</param>
    /// <param name="marks">When given, each text's inline marks, carried onto its candidates by their attention.</param>
    public static IReadOnlyList<TextTranslation> Assemble(IReadOnlyList<SegmentedText> texts,
        IReadOnlyList<SequenceOutput> outputs, GenerationSettings settings, CarriedMarks? marks = null)
    {
        var translations = new List<TextTranslation>(texts.Count);
        var first = 0;
        foreach (var text in texts)
        {
            var own = outputs.Skip(first).Take(text.Segments.Count).ToList();
            var count = own.Count == 0 ? 1 : own[0].Candidates.Count;
            var textMarks = marks?.Marks[translations.Count];
            var candidates = Enumerable.Range(0, count).Select(c => Join(text, own, c, settings, textMarks, marks)).ToList();
            translations.Add(new TextTranslation(candidates, text.InputTokens));
            first += text.Segments.Count;
        }

        return translations;
    }

    private static TranslationCandidate Join(SegmentedText text, IReadOnlyList<SequenceOutput> outputs, int candidate,
        GenerationSettings settings, IReadOnlyList<TextMark>? textMarks, CarriedMarks? marks)
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
        var translated = text.Layout.Rejoin([.. picked.Select(c => c.Text)]);
        return new TranslationCandidate(translated, finish, tokens, marks is { KeepAttention: false } ? null : attention)
        {
            MeanLogProbability = SequenceScores.Mean(logProbability, tokens),
            Score = SequenceScores.Score(logProbability, tokens, settings),
            Sentences = sentences,
            Marks = textMarks is not { Count: > 0 } || marks is null ? [] : MarkCarrier.Carry(textMarks,
                TextAlignment.Of(text, [.. picked.Select(c => c.Text)], [.. picked.Select(c => c.Attention)], marks.SourcePieces),
                text.Layout.Rejoin([.. text.Segments.Select(s => s.Text)]), translated),
        };
    }
}
