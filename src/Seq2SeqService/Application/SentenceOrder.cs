using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Application;

/// <summary>
/// Turns a job's finished rows, which end in any order, into each text's sentences in order: a sentence is passed on
/// when it and all before it in its text are done.
/// </summary>
internal sealed class SentenceOrder(IReadOnlyList<SegmentedText> texts, ITranslationProgress progress)
{
    private readonly object _lock = new();
    private readonly Dictionary<int, SequenceOutput> _done = [];
    private readonly int[] _next = new int[texts.Count];
    private readonly (int Text, int Sentence)[] _rows = RowsOf(texts);
    private readonly int[] _firstRow = FirstRows(texts);

    public void Finished(int row, SequenceOutput output)
    {
        lock (_lock)
        {
            _done[row] = output;
            var text = _rows[row].Text;
            var segmented = texts[text];
            while (_next[text] < segmented.Segments.Count && _done.Remove(_firstRow[text] + _next[text], out var ready))
            {
                var sentence = _next[text]++;
                var best = ready.Candidates[0];
                var last = sentence == segmented.Segments.Count - 1;
                progress.Sentence(new SentenceTranslated(text, sentence, segmented.Segments.Count,
                    segmented.Segments[sentence].Text, segmented.Layout.Gaps[sentence], best.Text,
                    last ? segmented.Layout.Gaps[^1] : "", best.FinishReason, best.OutputTokens));
            }
        }
    }

    /// <summary>Passes a sentence's growing text on at once, whatever the state of the sentences before it.</summary>
    public void TextAppended(int row, string text)
    {
        var (index, sentence) = _rows[row];
        progress.Text(new TextTranslating(index, sentence, text));
    }

    private static (int, int)[] RowsOf(IReadOnlyList<SegmentedText> texts) =>
        [.. texts.SelectMany((t, i) => Enumerable.Range(0, t.Segments.Count).Select(s => (i, s)))];

    private static int[] FirstRows(IReadOnlyList<SegmentedText> texts)
    {
        var first = new int[texts.Count];
        for (var i = 1; i < texts.Count; i++)
        {
            first[i] = first[i - 1] + texts[i - 1].Segments.Count;
        }

        return first;
    }
}
