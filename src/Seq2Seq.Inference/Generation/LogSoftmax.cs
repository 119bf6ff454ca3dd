using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Seq2Seq.Inference.Generation;

/// <summary>Vectorised float32 log-softmax and arg-max over one row of scores.</summary>
internal static class LogSoftmax
{
    /// <summary>x ← (x − max) − log Σ exp(x − max), the numerically stable form.</summary>
    public static void InPlace(Span<float> x)
    {
        var max = Max(x);
        Subtract(x, max, MathF.Log(SumExpShifted(x, max)));
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
