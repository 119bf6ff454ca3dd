using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Seq2Seq.Inference.Generation;

/// <summary>
/// Vectorised float32 log-softmax and arg-max over one row of scores. A search that needs a few of a row's
/// log-probabilities takes its shift and computes them as it reads, rather than writing a vocabulary-sized row.
/// </summary>
internal static class LogSoftmax
{
    /// <summary>x ← (x − max) − log Σ exp(x − max), the numerically stable form.</summary>
    public static void InPlace(Span<float> x)
    {
        var max = Max(x);
        Subtract(x, max, MathF.Log(SumExpShifted(x, max)));
    }

    /// <summary>
    /// The max and log Σ exp(x − max) of the row, so that (x − Max) − LogSum equals <see cref="InPlace"/>'s result
    /// bit for bit. A row whose max is not finite is normalised in place instead, and its shift is (0, 0).
    /// </summary>
    public static (float Max, float LogSum) Shift(Span<float> x)
    {
        var max = Max(x);
        var logSum = MathF.Log(SumExpShifted(x, max));
        if (float.IsFinite(max))
        {
            return (max, logSum);
        }

        Subtract(x, max, logSum);
        return (0f, 0f);
    }

    /// <summary>
    /// The token and log-probability that <see cref="InPlace"/> followed by <see cref="ArgMax"/> would give, without
    /// writing the row (unless its max is not finite). Rounding can give several logits the largest log-probability,
    /// so the token is the first whose log-probability reaches it, not the logits' arg-max.
    /// </summary>
    public static int ArgMaxOfLogSoftmax(Span<float> x, out float logProbability)
    {
        var (max, logSum) = Shift(x);
        logProbability = (max - max) - logSum;

        // A shift of (0, 0) leaves the row its own log-softmax, which may hold NaN where the max was not finite.
        if (max == 0f && logSum == 0f)
        {
            var token = ArgMax(x);
            logProbability = x[token];
            return token;
        }

        return FirstReaching(x, max, logSum, logProbability);
    }

    /// <summary>The first index whose (x − max) − logSum reaches <paramref name="target"/>, which one of them does.</summary>
    private static int FirstReaching(ReadOnlySpan<float> x, float max, float logSum, float target)
    {
        ref var start = ref MemoryMarshal.GetReference(x);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var m = Vector256.Create(max);
            var l = Vector256.Create(logSum);
            var t = Vector256.Create(target);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var hits = Vector256.GreaterThanOrEqual((Vector256.LoadUnsafe(ref start, (nuint)i) - m) - l, t).ExtractMostSignificantBits();
                if (hits != 0)
                {
                    return i + BitOperations.TrailingZeroCount(hits);
                }
            }
        }

        while ((Unsafe.Add(ref start, i) - max) - logSum < target)
        {
            i++;
        }

        return i;
    }

    public static float Max(ReadOnlySpan<float> x)
    {
        ref var start = ref MemoryMarshal.GetReference(x);
        var i = 0;
        var max = float.NegativeInfinity;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            var acc = Vector256.Create(float.NegativeInfinity);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                acc = Vector256.Max(acc, Vector256.LoadUnsafe(ref start, (nuint)i));
            }

            for (var k = 0; k < Vector256<float>.Count; k++)
            {
                max = MathF.Max(max, acc[k]);
            }
        }

        for (; i < x.Length; i++)
        {
            max = MathF.Max(max, Unsafe.Add(ref start, i));
        }

        return max;
    }

    private static float SumExpShifted(ReadOnlySpan<float> x, float max)
    {
        ref var start = ref MemoryMarshal.GetReference(x);
        var i = 0;
        var sum = 0f;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            var m = Vector256.Create(max);
            var acc = Vector256<float>.Zero;
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                acc += Vector256.Exp(Vector256.LoadUnsafe(ref start, (nuint)i) - m);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < x.Length; i++)
        {
            sum += MathF.Exp(Unsafe.Add(ref start, i) - max);
        }

        return sum;
    }

    private static void Subtract(Span<float> x, float max, float logSum)
    {
        ref var start = ref MemoryMarshal.GetReference(x);
        var i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            var m = Vector256.Create(max);
            var l = Vector256.Create(logSum);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                ((v - m) - l).StoreUnsafe(ref start, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            ref var v = ref Unsafe.Add(ref start, i);
            v = (v - max) - logSum;
        }
    }

    /// <summary>Index of the largest value; ties go to the lowest index.</summary>
    public static int ArgMax(ReadOnlySpan<float> x)
    {
        var max = Max(x);
        var index = x.IndexOf(max);
        return index < 0 ? 0 : index;
    }
}
