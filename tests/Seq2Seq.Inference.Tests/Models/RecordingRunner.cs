using Seq2Seq.Inference.Runtime;

namespace Seq2Seq.Inference.Tests.Models;

/// <summary>Wraps a runner and keeps a copy of every step's logits of row 0, to explain near-tie flips.</summary>
internal sealed class RecordingRunner(IModelRunner inner) : IModelRunner
{
    public List<float[]> Row0Logits { get; } = [];

    public int VocabSize => inner.VocabSize;

    public bool SupportsJoins => inner.SupportsJoins;

    public IDecoderState Encode(IReadOnlyList<ReadOnlyMemory<int>> sources) => new State(this, inner.Encode(sources));

    public void Dispose()
    {
    }

    private sealed class State(RecordingRunner owner, IDecoderState inner) : IDecoderState
    {
        public int Rows => inner.Rows;

        public int PastLength => inner.PastLength;

        public RunnerTimings Timings => inner.Timings;

        public Span<float> Step(ReadOnlySpan<int> tokens)
        {
            var logits = inner.Step(tokens);
            owner.Row0Logits.Add(logits[..owner.VocabSize].ToArray());
            return logits;
        }

        public void Reorder(ReadOnlySpan<int> parents) => inner.Reorder(parents);

        public void Dispose() => inner.Dispose();
    }
}
