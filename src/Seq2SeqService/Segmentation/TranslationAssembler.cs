using Seq2SeqService.Contracts;
using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Segmentation;

/// <summary>Rejoins the outputs of each text's segments into one translation per input text.</summary>
public static class TranslationAssembler
{
    /// <param name="segmentsPerText">How many consecutive segments each input text was split into.</param>
    /// <param name="segments">All segments, text after text.</param>
    /// <param name="outputs">One output per segment.</param>
    public static IReadOnlyList<Translation> Assemble(IReadOnlyList<int> segmentsPerText,
        IReadOnlyList<Segment> segments, IReadOnlyList<SequenceOutput> outputs)
    {
        var translations = new List<Translation>(segmentsPerText.Count);
        var first = 0;
        foreach (var count in segmentsPerText)
        {
            var range = Enumerable.Range(first, count).ToList();
            var candidates = outputs[first].Candidates.Count;
            var joined = Enumerable.Range(0, candidates).Select(c => Join(range, segments, outputs, c)).ToList();
            var inputTokens = range.Sum(i => segments[i].InputIds.Count);
            var best = range.Select(i => outputs[i].Candidates[0].Attention).ToList();
            var attention = best.All(a => a is not null) ? TokenAttention.Concatenate(best!) : null;
            translations.Add(new Translation(joined[0].Text, joined[0].FinishReason, inputTokens,
                joined[0].OutputTokens, candidates > 1 ? joined.Skip(1).ToList() : null,
                attention is null ? null : new AttentionMap(attention.SourceTokens, attention.TargetTokens, attention.Weights)));
            first += count;
        }

        return translations;
    }

    private static Alternative Join(List<int> range, IReadOnlyList<Segment> segments,
        IReadOnlyList<SequenceOutput> outputs, int candidate)
    {
        var picked = range.Select(i => outputs[i].Candidates[Math.Min(candidate, outputs[i].Candidates.Count - 1)]).ToList();
        var text = string.Concat(range.Select((i, k) => picked[k].Text + (k < range.Count - 1 ? segments[i].Separator : "")));
        var finish = picked.Any(c => c.FinishReason == FinishReason.Length) ? FinishReason.Length : FinishReason.Eos;
        return new Alternative(text, FinishReasonName(finish), picked.Sum(c => c.OutputTokens));
    }

    public static string FinishReasonName(FinishReason reason) => reason == FinishReason.Length ? "length" : "eos";
}
