namespace Seq2Seq.Inference.Generation;

/// <summary>
/// The best finished hypotheses of one beam-search input, at most num_beams of them: a new one enters
/// while there is room or when it beats the worst, which then leaves (lowest score, earliest on ties).
/// </summary>
internal sealed class FinishedHypotheses(int capacity)
{
    private readonly List<GeneratedSequence> _items = new(capacity + 1);

    public int Count => _items.Count;

    public double WorstScore { get; private set; } = double.PositiveInfinity;

    public void Add(GeneratedSequence hypothesis)
    {
        if (_items.Count == capacity && !(hypothesis.Score > WorstScore))
        {
            return;
        }

        _items.Add(hypothesis);
        if (_items.Count > capacity)
        {
            _items.RemoveAt(IndexOfWorst());
        }

        WorstScore = _items[IndexOfWorst()].Score;
    }

    /// <summary>Best first; equal scores keep the order they were added in.</summary>
    public IReadOnlyList<GeneratedSequence> Sorted(int count) =>
        [.. _items.OrderByDescending(h => h.Score).Take(count)];

    private int IndexOfWorst()
    {
        var worst = 0;
        for (var i = 1; i < _items.Count; i++)
        {
            if (_items[i].Score < _items[worst].Score)
            {
                worst = i;
            }
        }

        return worst;
    }
}
