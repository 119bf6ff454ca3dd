using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Tests.Fakes;

/// <summary>
/// A model runner whose logits are a function of (source ids, tokens fed so far), computed from the
/// history this fake tracks itself. If the engine fed a wrong token or reordered rows wrongly, the
/// fake's histories go wrong and so do the outputs. With <see cref="WithAttention"/>, each step's attention
/// row is <see cref="AttentionOf"/> of the row's own source and history, so a sequence whose attention was
/// mixed up with another row's shows it.
/// </summary>
internal sealed class ScriptedRunner(int vocabSize, ScriptedRunner.Logits script) : IModelRunner
{
    public delegate void Logits(IReadOnlyList<int> source, IReadOnlyList<int> history, Span<float> output);

    public int VocabSize { get; } = vocabSize;

    public bool WithAttention { get; init; }

    public bool ProvidesAttention => WithAttention;

    /// <summary>Rows of each decoder step, over all states.</summary>
    public List<int> RowsPerStep { get; } = [];

    public List<int> EncodedBatchSizes { get; } = [];

    public int LiveStates { get; private set; }

    private Logits Script => script;

    public IDecoderState Encode(IReadOnlyList<ReadOnlyMemory<int>> sources)
    {
        EncodedBatchSizes.Add(sources.Count);
        LiveStates++;
        return new State(this, sources.Select(s => new Row(s.ToArray(), [])).ToList());
    }

    public void Dispose()
    {
    }

    /// <summary>
    /// The attention a row gets after being fed <paramref name="history"/> (start token first): positive
    /// weights over its source positions, summing to 1, different for different histories.
    /// </summary>
    public static float[] AttentionOf(IReadOnlyList<int> source, IReadOnlyList<int> history)
    {
        var weights = new float[source.Count];
        var key = history.Select((t, i) => (t + 1) * (i + 3)).Sum();
        for (var j = 0; j < weights.Length; j++)
        {
            weights[j] = 1 + ((key * 31) + (j * 13)) % 17;
        }

        var sum = weights.Sum();
        return [.. weights.Select(w => w / sum)];
    }

    private sealed record Row(int[] Source, List<int> History);

    private sealed class State(ScriptedRunner owner, List<Row> rows) : IDecoderState, IAttentionState
    {
        private float[] _logits = [];
        private float[] _attention = [];
        private bool _disposed;

        public int SourceWidth { get; } = rows.Max(r => r.Source.Length);

        public ReadOnlySpan<float> Attention => owner.WithAttention ? _attention : throw new InvalidOperationException("No attention.");

        public int Rows => rows.Count;

        public int PastLength { get; private set; }

        public RunnerTimings Timings => default;

        public Span<float> Step(ReadOnlySpan<int> tokens)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (tokens.Length != rows.Count)
            {
                throw new InvalidOperationException($"{tokens.Length} tokens for {rows.Count} rows");
            }

            owner.RowsPerStep.Add(rows.Count);
            _logits = new float[rows.Count * owner.VocabSize];
            _attention = new float[rows.Count * SourceWidth];
            for (var r = 0; r < rows.Count; r++)
            {
                rows[r].History.Add(tokens[r]);
                owner.Script(rows[r].Source, rows[r].History, _logits.AsSpan(r * owner.VocabSize, owner.VocabSize));
                AttentionOf(rows[r].Source, rows[r].History).CopyTo(_attention.AsSpan(r * SourceWidth));
            }

            PastLength++;
            return _logits;
        }

        public void Reorder(ReadOnlySpan<int> parents)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var next = new List<Row>(parents.Length);
            foreach (var p in parents)
            {
                next.Add(rows[p] with { History = [.. rows[p].History] });
            }

            rows.Clear();
            rows.AddRange(next);
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                owner.LiveStates--;
            }
        }
    }
}
