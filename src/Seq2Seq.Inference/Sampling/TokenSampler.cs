namespace Seq2Seq.Inference.Sampling;

/// <summary>
/// Draws a token from one row of log-probabilities after the warpers, in Hugging Face's order:
/// temperature, then top-k (ties with the k-th value kept), then top-p (the smallest most-probable set
/// whose mass reaches top_p, at least one token). One instance per request: it owns its scratch space.
/// </summary>
public sealed class TokenSampler
{
    private readonly float _temperature;
    private readonly int _topK;
    private readonly float _topP;
    private readonly Xoshiro256StarStar _rng;
    private Candidate[] _candidates = [];
    private float[] _heap = [];

    public TokenSampler(float temperature, int topK, float topP, ulong seed)
    {
        _temperature = temperature;
        _topK = topK;
        _topP = topP;
        _rng = new Xoshiro256StarStar(seed);
    }

    /// <summary>Samples a token id from <paramref name="logProbs"/> (not modified).</summary>
    public int Sample(ReadOnlySpan<float> logProbs)
    {
        var candidates = Candidates(logProbs);
        var max = float.NegativeInfinity;
        foreach (ref readonly var c in candidates)
        {
            max = MathF.Max(max, c.Value);
        }

        var total = 0.0;
        foreach (ref var c in candidates)
        {
            c.Probability = Math.Exp((c.Value - max) / _temperature);
            total += c.Probability;
        }

        if (_topP < 1f)
        {
            // A total order (ids are unique), so the unstable sort is still deterministic.
            candidates.Sort(static (a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : a.Id.CompareTo(b.Id));
            var kept = 0.0;
            var keep = 0;
            while (keep < candidates.Length && kept < _topP * total)
            {
                kept += candidates[keep++].Probability;
            }

            candidates = candidates[..keep];
            total = kept;
        }

        var u = _rng.NextDouble() * total;
        var acc = 0.0;
        foreach (ref readonly var c in candidates)
        {
            acc += c.Probability;
            if (u < acc)
            {
                return c.Id;
            }
        }

        // Rounding can leave u just above the summed mass; the last candidate then takes it.
        return candidates[^1].Id;
    }

    /// <summary>The finite tokens, or with top_k set, those at or above the k-th largest value.</summary>
    private Span<Candidate> Candidates(ReadOnlySpan<float> logProbs)
    {
        if (_candidates.Length < logProbs.Length)
        {
            _candidates = new Candidate[logProbs.Length];
        }

        var threshold = _topK > 0 && _topK < logProbs.Length ? KthLargest(logProbs, _topK) : float.NegativeInfinity;
        var count = 0;
        for (var id = 0; id < logProbs.Length; id++)
        {
            var v = logProbs[id];
            if (v >= threshold && v > float.NegativeInfinity)
            {
                _candidates[count++] = new Candidate { Id = id, Value = v };
            }
        }

        return _candidates.AsSpan(0, count);
    }

    /// <summary>The k-th largest value, by a size-k min-heap: O(n log k) without sorting the row.</summary>
    private float KthLargest(ReadOnlySpan<float> values, int k)
    {
        if (_heap.Length < k)
        {
            _heap = new float[k];
        }

        var heap = _heap.AsSpan(0, k);
        values[..k].CopyTo(heap);
        for (var i = k / 2 - 1; i >= 0; i--)
        {
            SiftDown(heap, i);
        }

        foreach (var v in values[k..])
        {
            if (v > heap[0])
            {
                heap[0] = v;
                SiftDown(heap, 0);
            }
        }

        return heap[0];
    }

    private static void SiftDown(Span<float> heap, int i)
    {
        while (true)
        {
            var smallest = i;
            var left = 2 * i + 1;
            var right = left + 1;
            if (left < heap.Length && heap[left] < heap[smallest])
            {
                smallest = left;
            }

            if (right < heap.Length && heap[right] < heap[smallest])
            {
                smallest = right;
            }

            if (smallest == i)
            {
                return;
            }

            (heap[i], heap[smallest]) = (heap[smallest], heap[i]);
            i = smallest;
        }
    }

    private struct Candidate
    {
        public int Id;
        public float Value;
        public double Probability;
    }
}
