using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Application;

/// <summary>Rejoins the outputs of each text's segments into one translation per input text.</summary>
public static class TranslationAssembler
{
    /// <param name="segmentsPerText">How many consecutive segments each input text was split into.</param>
    /// <param name="segments">All segments, text after text.</param>
    /// <param name="outputs">One output per segment.</param>
    public static IReadOnlyList<TextTranslation> Assemble(IReadOnlyList<int> segmentsPerText,
        IReadOnlyList<Segment> segments, IReadOnlyList<SequenceOutput> outputs)
    {
        var translations = new List<TextTranslation>(segmentsPerText.Count);
        var first = 0;
        foreach (var count in segmentsPerText)
        {
            var range = Enumerable.Range(first, count).ToList();
            var candidates = Enumerable.Range(0, outputs[first].Candidates.Count)
                .Select(c => Join(range, segments, outputs, c))
                .ToList();
            translations.Add(new TextTranslation(candidates, range.Sum(i => segments[i].InputIds.Count)));
            first += count;
        }

        return translations;
    }

    private static TranslationCandidate Join(List<int> range, IReadOnlyList<Segment> segments,
        IReadOnlyList<SequenceOutput> outputs, int candidate)
    {
        var picked = range.Select(i => outputs[i].Candidates[Math.Min(candidate, outputs[i].Candidates.Count - 1)]).ToList();
        var text = string.Concat(range.Select((i, k) => picked[k].Text + (k < range.Count - 1 ? segments[i].Separator : "")));
        var finish = picked.Any(c => c.FinishReason == FinishReason.Length) ? FinishReason.Length : FinishReason.Eos;
        var attention = picked.All(c => c.Attention is not null) ? TokenAttention.Concatenate([.. picked.Select(c => c.Attention!)]) : null;
        return new TranslationCandidate(text, finish, picked.Sum(c => c.OutputTokens), attention);
    }
}
