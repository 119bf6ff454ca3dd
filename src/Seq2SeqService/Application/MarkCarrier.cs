using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Application;

/// <summary>
/// Moves a text's inline marks onto its translation (docs/documents.md#formatting-kept). A mark covers the source words
/// it touches; it goes to the target words that align with one of them (<see cref="TextAlignment.SourceOf"/>), from
/// the first to the last, whole words, so each mark stays one contiguous range. A mark none of whose words has a
/// target word aligned with it goes to the one target word that attends most to its words, so a link or a bold word
/// the translation rephrases still lands somewhere near its meaning; only a mark over no word at all (whitespace)
/// vanishes. Marks stay nested as in the source: a mark is kept inside the mark around it, and one that would cross a
/// mark placed before it (outer first, then in source order) is cut back to where that mark starts or ends. A mark of
/// no length is a point, something without text that stands between two characters (a footnote reference, a picture):
/// it goes beside the target words of the source word it is glued to (<see cref="Point"/>).
/// </summary>
public static class MarkCarrier
{
    /// <summary>
    /// Checks each text's marks: one list per text, each mark inside its text, none crossing another;
    /// problems go to <paramref name="errors"/> by input path (<c>marks[i]</c>).
    /// </summary>
    public static void Check(IReadOnlyList<string> texts, IReadOnlyList<IReadOnlyList<TextMark>>? marks,
        IDictionary<string, string[]> errors)
    {
        if (marks is null)
        {
            return;
        }

        if (marks.Count != texts.Count)
        {
            errors["marks"] = [$"has {marks.Count} lists; one per text ({texts.Count}) is needed."];
            return;
        }

        for (var i = 0; i < marks.Count; i++)
        {
            var outside = marks[i].FirstOrDefault(m => m.Start < 0 || m.Length < 0 || m.Start + m.Length > texts[i].Length);
            var crossing = marks[i].SelectMany(a => marks[i].Where(b => Crosses(a.Start, End(a), b.Start, End(b)))).Any();
            if (outside is not null || crossing)
            {
                errors[$"marks[{i}]"] = [outside is not null
                    ? $"has a mark at [{outside.Start}, {End(outside)}) outside its text of {texts[i].Length} characters."
                    : "has marks that cross; marks may nest, never cross."];
            }
        }
    }

    /// <summary><paramref name="marks"/> of <paramref name="source"/> moved onto <paramref name="target"/>, in their order; vanished ones left out.</summary>
    public static IReadOnlyList<TextMark> Carry(IReadOnlyList<TextMark> marks, TextAlignment alignment, string source, string target)
    {
        var placed = new (int Start, int End)?[marks.Count];
        var order = Enumerable.Range(0, marks.Count).OrderBy(m => marks[m].Start).ThenByDescending(m => marks[m].Length).ToList();
        for (var o = 0; o < order.Count; o++)
        {
            var mark = marks[order[o]];
            if (mark.Length == 0)
            {
                placed[order[o]] = Point(mark.Start, alignment, source, target) is { } at ? (at, at) : null;
                continue;
            }

            if (Words(mark, alignment, source) is not var (first, last))
            {
                continue;
            }

            var (start, end) = Trimmed(alignment.TargetWords[first].Start, alignment.TargetWords[last].End, mark, source, target);
            var parent = order.Take(o).Where(p => placed[p] is not null && Contains(marks[p], mark)).Select(p => placed[p]).LastOrDefault();
            if (parent is var (parentStart, parentEnd))
            {
                (start, end) = (Math.Clamp(start, parentStart, parentEnd), Math.Clamp(end, parentStart, parentEnd));
                (start, end) = start < end ? (start, end) : (parentStart, parentEnd);
            }

            placed[order[o]] = Uncrossed(start, end, placed, target);
        }

        return [.. marks.Select((m, i) => placed[i] is var (start, end) ? m with { Start = start, Length = end - start } : null)
            .OfType<TextMark>()];
    }

    /// <summary>The first and last target word the mark's source words go to; null when it covers no source word.</summary>
    private static (int First, int Last)? Words(TextMark mark, TextAlignment alignment, string source)
    {
        var covered = new HashSet<int>();
        for (var s = 0; s < alignment.SourceWords.Count; s++)
        {
            if (alignment.SourceWords[s].Start < End(mark) && alignment.SourceWords[s].End > mark.Start)
            {
                covered.Add(s);
            }
        }

        return covered.Count == 0 || string.IsNullOrWhiteSpace(source.Substring(mark.Start, mark.Length)) ? null
            : TargetsOf(covered, alignment);
    }

    /// <summary>The first and last target word that come from the <paramref name="covered"/> source words, or the one
    /// target word attending most to them; null when no target word attends to them.</summary>
    private static (int First, int Last)? TargetsOf(IReadOnlySet<int> covered, TextAlignment alignment)
    {
        var targets = Enumerable.Range(0, alignment.TargetWords.Count).Where(t => covered.Contains(alignment.SourceOf(t))).ToList();
        if (targets.Count > 0)
        {
            return (targets[0], targets[^1]);
        }

        var strongest = alignment.StrongestTargetOf(covered);
        return strongest < 0 ? null : (strongest, strongest);
    }

    /// <summary>
    /// Where a point at <paramref name="at"/> of the source goes in the target. Before the first word or after the last
    /// it stays at the start or the end. Glued to the end of a word ("cat[^1]", or "cat[^1]." before the word's own
    /// punctuation), it goes after that word's target words (before their closing punctuation in the second case);
    /// otherwise it goes before the target words of the word that follows it. Null when that word has no target word,
    /// so the caller leaves the point where it was.
    /// </summary>
    private static int? Point(int at, TextAlignment alignment, string source, string target)
    {
        var words = alignment.SourceWords;
        if (words.Count == 0 || at <= words[0].Start)
        {
            return 0;
        }

        if (at >= words[^1].End)
        {
            return target.Length;
        }

        var glued = Enumerable.Range(0, words.Count).FirstOrDefault(w => words[w].Start < at && at <= words[w].End, -1);
        if (glued >= 0)
        {
            if (TargetsOf(new HashSet<int> { glued }, alignment) is not var (first, last))
            {
                return null;
            }

            var end = alignment.TargetWords[last].End;
            var rest = source[at..words[glued].End];
            if (rest.Length > 0 && !rest.Any(char.IsLetterOrDigit))
            {
                for (var start = alignment.TargetWords[first].Start; end - 1 > start && !char.IsLetterOrDigit(target[end - 1]);)
                {
                    end--;
                }
            }

            return end;
        }

        var next = Enumerable.Range(0, words.Count).First(w => words[w].Start >= at);
        return TargetsOf(new HashSet<int> { next }, alignment) is var (nextFirst, _) ? alignment.TargetWords[nextFirst].Start : null;
    }

    /// <summary>
    /// The range without the punctuation at an edge where the source mark has a letter or digit: "fast" in bold
    /// makes "rapide" bold, not "rapide.". A range of punctuation only stays whole.
    /// </summary>
    private static (int Start, int End) Trimmed(int start, int end, TextMark mark, string source, string target)
    {
        var marked = source.Substring(mark.Start, mark.Length).Trim();
        var (trimmedStart, trimmedEnd) = (start, end);
        while (char.IsLetterOrDigit(marked[0]) && trimmedStart < end && !char.IsLetterOrDigit(target[trimmedStart]))
        {
            trimmedStart++;
        }

        while (char.IsLetterOrDigit(marked[^1]) && trimmedEnd > trimmedStart && !char.IsLetterOrDigit(target[trimmedEnd - 1]))
        {
            trimmedEnd--;
        }

        return trimmedStart < trimmedEnd ? (trimmedStart, trimmedEnd) : (start, end);
    }

    /// <summary>
    /// The range cut back until it crosses none of the <paramref name="placed"/> ones, without the whitespace a cut
    /// leaves at its edge; it only shrinks, so this ends.
    /// </summary>
    private static (int Start, int End) Uncrossed(int start, int end, IReadOnlyList<(int Start, int End)?> placed, string target)
    {
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (otherStart, otherEnd) in placed.OfType<(int, int)>())
            {
                if (Crosses(start, end, otherStart, otherEnd))
                {
                    (start, end) = otherStart < start ? (otherEnd, end) : (start, otherStart);
                    while (end - start > 1 && char.IsWhiteSpace(target[start]))
                    {
                        start++;
                    }

                    while (end - start > 1 && char.IsWhiteSpace(target[end - 1]))
                    {
                        end--;
                    }

                    changed = true;
                }
            }
        }

        return (start, end);
    }

    private static bool Crosses(int start, int end, int otherStart, int otherEnd) =>
        start < otherStart && otherStart < end && end < otherEnd || otherStart < start && start < otherEnd && otherEnd < end;

    private static bool Contains(TextMark outer, TextMark inner) => outer.Start <= inner.Start && End(inner) <= End(outer);

    private static int End(TextMark mark) => mark.Start + mark.Length;
}

/// <summary>What carrying a command's marks takes: the marks, the source tokenizer's pieces of a sentence, and whether
/// the client asked for the attention that was computed to carry them.</summary>
public sealed record CarriedMarks(IReadOnlyList<IReadOnlyList<TextMark>> Marks, Func<string, IReadOnlyList<string>> SourcePieces,
    bool KeepAttention)
{
    /// <summary>What carrying <paramref name="command"/>'s marks with <paramref name="model"/> takes; null when it has none.</summary>
    public static CarriedMarks? Of(TranslationCommand command, ISourceTokenizer model) => command.Marks is null ? null
        : new CarriedMarks(command.Marks, sentence => model.Tokenize(sentence).Pieces, command.Options?.ReturnAttention == true);
}
