using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Seq2Seq.Inference.Sampling;

/// <summary>
/// The k largest values of a row in the order a full sort (value descending, position ascending) would give them,
/// by a size-k heap: O(n log k) and no copy of the row, where a sort of a 256k vocabulary costs O(n log n) and n
/// writes per step. Past a 32nd of the row the heap's sifting costs more than one key per value, a selection of the
/// k best keys and a sort of those alone, which then take over.
/// </summary>
internal static class TopK
{
    /// <summary>
    /// Fills <paramref name="best"/> with the positions of its length's largest values of <paramref name="values"/>
    /// (which holds no NaN and at least that many), largest first, lower position first among equal values.
    /// </summary>
    public static void Select(ReadOnlySpan<float> values, Span<int> best)
    {
        var k = best.Length;
        if (k == 0)
        {
            return;
        }

        if (32 * k > values.Length)
        {
            SelectByKeys(values, best);
            return;
        }

        for (var i = 0; i < k; i++)
        {
            best[i] = i;
        }

        for (var i = k / 2 - 1; i >= 0; i--)
        {
            SiftDown(values, best, i, k);
        }

        var at = k;
        ref var start = ref MemoryMarshal.GetReference(values);
        if (Vector256.IsHardwareAccelerated)
        {
            // Once the heap is full almost every value loses to its worst: test 8 at a time. A later equal value loses too.
            for (; at <= values.Length - Vector256<float>.Count; at += Vector256<float>.Count)
            {
                var winners = Vector256.GreaterThan(Vector256.LoadUnsafe(ref start, (nuint)at), Vector256.Create(values[best[0]]))
                    .ExtractMostSignificantBits();
                while (winners != 0)
                {
                    var lane = BitOperations.TrailingZeroCount(winners);
                    winners &= winners - 1;
                    Offer(values, best, at + lane);
                }
            }
        }

        for (; at < values.Length; at++)
        {
            Offer(values, best, at);
        }

        // Heap sort: the worst goes to the end each time, leaving the best first.
        for (var size = k - 1; size > 0; size--)
        {
            (best[0], best[size]) = (best[size], best[0]);
            SiftDown(values, best, 0, size);
        }
    }

    /// <summary>
    /// Gives every position one 64-bit key, ascending in the full sort's order so ties need no comparison delegate (the
    /// value's bits, ordered like the values and then inverted, above the position), moves the k smallest keys to the
    /// front and sorts those.
    /// </summary>
    private static void SelectByKeys(ReadOnlySpan<float> values, Span<int> best)
    {
        var rented = ArrayPool<long>.Shared.Rent(values.Length);
        var keys = rented.AsSpan(0, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            // + 0f makes −0 into +0, which compare equal as floats.
            var bits = BitConverter.SingleToInt32Bits(values[i] + 0f);
            var ascending = bits ^ ((bits >> 31) & int.MaxValue);
            keys[i] = ((long)~ascending << 32) | (uint)i;
        }

        var head = keys[..best.Length];
        SelectSmallest(keys, best.Length);
        head.Sort();
        for (var i = 0; i < best.Length; i++)
        {
            best[i] = (int)head[i];
        }

        ArrayPool<long>.Shared.Return(rented);
    }

    /// <summary>
    /// Moves the <paramref name="k"/> smallest of the distinct <paramref name="keys"/> to the front, in no particular
    /// order: Hoare's selection with median-of-three pivots, which a sort of the remaining range replaces after
    /// more rounds than a fair run of pivots needs, so the worst case is a sort's.
    /// </summary>
    private static void SelectSmallest(Span<long> keys, int k)
    {
        var lo = 0;
        var hi = keys.Length - 1;
        var rounds = 2 * BitOperations.Log2((uint)keys.Length) + 4;
        while (lo < hi)
        {
            if (rounds-- == 0)
            {
                keys[lo..(hi + 1)].Sort();
                return;
            }

            var (a, b, c) = (keys[lo], keys[lo + (hi - lo) / 2], keys[hi]);
            var pivot = Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
            var i = lo;
            var j = hi;
            while (i <= j)
            {
                while (keys[i] < pivot)
                {
                    i++;
                }

                while (keys[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                    i++;
                    j--;
                }
            }

            // Now keys[lo..j] ≤ pivot ≤ keys[i..hi], and anything between equals the pivot.
            if (k - 1 <= j)
            {
                hi = j;
            }
            else if (k - 1 >= i)
            {
                lo = i;
            }
            else
            {
                return;
            }
        }
    }

    private static void Offer(ReadOnlySpan<float> values, Span<int> heap, int position)
    {
        if (values[position] > values[heap[0]])
        {
            heap[0] = position;
            SiftDown(values, heap, 0, heap.Length);
        }
    }

    /// <summary>Whether position a comes after position b in the full sort's order.</summary>
    private static bool Worse(ReadOnlySpan<float> values, int a, int b) =>
        values[a] < values[b] || (values[a] == values[b] && a > b);

    /// <summary>Restores a heap whose root is its worst entry, below <paramref name="i"/>, over its first <paramref name="size"/> entries.</summary>
    private static void SiftDown(ReadOnlySpan<float> values, Span<int> heap, int i, int size)
    {
        while (true)
        {
            var worst = i;
            var left = 2 * i + 1;
            var right = left + 1;
            if (left < size && Worse(values, heap[left], heap[worst]))
            {
                worst = left;
            }

            if (right < size && Worse(values, heap[right], heap[worst]))
            {
                worst = right;
            }

            if (worst == i)
            {
                return;
            }

            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }
}
