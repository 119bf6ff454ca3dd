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

    // The candidates of a step in id order, and the positions among them of the most probable, best first.
    private int[] _ids = [];
    private float[] _values = [];
    private double[] _probabilities = [];
    private int[] _order = [];

    public TokenSampler(float temperature, int topK, float topP, ulong seed)
    {
        _temperature = temperature;
        _topK = topK;
        _topP = topP;
        _rng = new Xoshiro256StarStar(seed);
    }

    /// <summary>Samples a token id from <paramref name="logProbs"/> (not modified; no NaN).</summary>
    public int Sample(ReadOnlySpan<float> logProbs)
    {
        var count = Candidates(logProbs);
        var max = float.NegativeInfinity;
        foreach (var v in _values.AsSpan(0, count))
        {
            max = MathF.Max(max, v);
        }

        var total = 0.0;
        for (var c = 0; c < count; c++)
        {
            _probabilities[c] = Math.Exp((_values[c] - max) / _temperature);
            total += _probabilities[c];
        }

        if (_topP >= 1f)
        {
            return Draw(total, [], count);
        }

        var keep = Nucleus(count, total, out var kept);
        return Draw(kept, _order.AsSpan(0, keep), keep);
    }

    /// <summary>
    /// Draws among <paramref name="count"/> candidates, taken in id order or, when given, in <paramref name="order"/>,
    /// in proportion to their probabilities, which sum to <paramref name="total"/>.
    /// </summary>
    private int Draw(double total, ReadOnlySpan<int> order, int count)
    {
        var u = _rng.NextDouble() * total;
        var acc = 0.0;
        for (var rank = 0; rank < count; rank++)
        {
            var c = order.IsEmpty ? rank : order[rank];
            acc += _probabilities[c];
            if (u < acc)
            {
                return _ids[c];
            }
        }

        // Rounding can leave u just above the summed mass; the last candidate then takes it.
        return _ids[order.IsEmpty ? count - 1 : order[count - 1]];
    }

    /// <summary>
    /// Puts in _order the smallest most-probable set whose mass reaches top_p of <paramref name="total"/> (at least one
    /// candidate), most probable first, lowest id first among equals, and returns its size. It takes the best 64,
    /// then 8 times as many while they fall short, so a peaked row never has all its candidates sorted; a flat one
    /// costs at most about one sort more than sorting them all at once.
    /// </summary>
    private int Nucleus(int count, double total, out double kept)
    {
        var need = _topP * total;
        for (var k = Math.Min(count, 64); ; k = Math.Min(count, k * 8))
        {
            TopK.Select(_values.AsSpan(0, count), _order.AsSpan(0, k));
            kept = 0.0;
            var keep = 0;
            while (keep < k && kept < need)
            {
                kept += _probabilities[_order[keep++]];
            }

            if (!(kept < need) || k == count)
            {
                return keep;
            }
        }
    }

    /// <summary>
    /// Writes the finite tokens, or with top_k set those at or above the k-th largest value, to the candidate arrays
    /// in id order and returns how many there are.
    /// </summary>
    private int Candidates(ReadOnlySpan<float> logProbs)
    {
        var threshold = float.NegativeInfinity;
        if (_topK > 0 && _topK < logProbs.Length)
        {
            Ensure(_topK);
            TopK.Select(logProbs, _order.AsSpan(0, _topK));
            threshold = logProbs[_order[_topK - 1]];
        }
        else
        {
            // Every token may be a candidate: one vocabulary-sized allocation per request rather than a doubling series.
            Ensure(logProbs.Length);
        }

        var count = 0;
        for (var id = 0; id < logProbs.Length; id++)
        {
            var v = logProbs[id];
            if (v >= threshold && v > float.NegativeInfinity)
            {
                Ensure(count + 1);
                _ids[count] = id;
                _values[count++] = v;
            }
        }

        return count;
    }

    /// <summary>
    /// Grows the scratch arrays, keeping their contents, to hold <paramref name="count"/> candidates: as many as the
    /// step has, so top_k's few never cost a vocabulary-sized array, doubling so that growth is rare.
    /// </summary>
    private void Ensure(int count)
    {
        if (_ids.Length >= count)
        {
            return;
        }

        var size = Math.Max(count, 2 * _ids.Length);
        Array.Resize(ref _ids, size);
        Array.Resize(ref _values, size);
        Array.Resize(ref _probabilities, size);
        Array.Resize(ref _order, size);
    }
}
