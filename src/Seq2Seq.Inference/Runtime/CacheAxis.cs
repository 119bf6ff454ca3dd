namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// Copies of cache tensors resized along one axis (the self-attention past, the source positions), with
/// rows in the first dimension: how rows with different pasts or sources come to share one batch. The
/// slots a row does not fill are zero; the masks fed with the tensors keep the model from reading them.
/// </summary>
internal static class CacheAxis
{
    /// <summary>
    /// The rows of <paramref name="first"/> then those of <paramref name="second"/>, each padded along
    /// <paramref name="axis"/> to the longer of the two: at the start when <paramref name="alignEnd"/> (the
    /// past of a row that joined later ends where everybody's does), else at the end.
    /// </summary>
    public static PooledTensor<T> Stack<T>(PooledTensor<T> first, PooledTensor<T> second, int axis, bool alignEnd) where T : unmanaged
    {
        var a = first.Shape;
        var b = second.Shape;
        var length = Math.Max(a[axis], b[axis]);
        var shape = a.ToArray();
        shape[0] = a[0] + b[0];
        shape[axis] = length;
        var state = (first, second, axis, alignEnd, length);
        return PooledTensor<T>.Rent(shape, (span, _) =>
        {
            span.Clear();
            var rowsA = Copy(state.first, span, state.axis, state.length, state.alignEnd, 0);
            Copy(state.second, span, state.axis, state.length, state.alignEnd, rowsA);
        }, 0);
    }

    /// <summary>
    /// The rows of <paramref name="first"/> then those of <paramref name="second"/>, tensors without a padded
    /// axis (recurrent states), whose dimensions after the rows are the same.
    /// </summary>
    public static PooledTensor<T> Concat<T>(PooledTensor<T> first, PooledTensor<T> second) where T : unmanaged
    {
        if (!first.Shape.AsSpan(1).SequenceEqual(second.Shape.AsSpan(1)))
        {
            throw new ArgumentException(
                $"Rows of shape [{string.Join(", ", second.Shape)}] cannot follow rows of shape [{string.Join(", ", first.Shape)}].", nameof(second));
        }

        var shape = first.Shape.ToArray();
        shape[0] += second.Shape[0];
        var state = (first, second);
        return PooledTensor<T>.Rent(shape, (span, _) =>
        {
            ReadOnlySpan<T> a = state.first.Data;
            a.CopyTo(span);
            ((ReadOnlySpan<T>)state.second.Data).CopyTo(span[a.Length..]);
        }, 0);
    }

    /// <summary>Positions [<paramref name="start"/>, start + <paramref name="length"/>) of <paramref name="axis"/>, every row.</summary>
    public static PooledTensor<T> Window<T>(PooledTensor<T> tensor, int axis, int start, int length) where T : unmanaged
    {
        var source = tensor.Shape;
        var shape = source.ToArray();
        shape[axis] = length;
        var (blocks, inner) = Blocks(source, axis);
        var state = (tensor, start, length, width: (int)source[axis], blocks, inner);
        return PooledTensor<T>.Rent(shape, (span, _) =>
        {
            ReadOnlySpan<T> from = state.tensor.Data;
            var size = state.length * state.inner;
            for (var block = 0; block < state.blocks; block++)
            {
                from.Slice((block * state.width + state.start) * state.inner, size).CopyTo(span.Slice(block * size, size));
            }
        }, 0);
    }

    /// <summary>Writes the tensor's rows from row <paramref name="firstRow"/> on; returns its row count.</summary>
    private static int Copy<T>(PooledTensor<T> tensor, Span<T> target, int axis, long length, bool alignEnd, int firstRow) where T : unmanaged
    {
        var shape = tensor.Shape;
        var (blocks, inner) = Blocks(shape, axis);
        var width = (int)shape[axis];
        var size = width * inner;
        var offset = alignEnd ? (int)length - width : 0;
        ReadOnlySpan<T> from = tensor.Data;
        var blocksPerRow = blocks / (int)Math.Max(1, shape[0]);
        var firstBlock = firstRow * blocksPerRow;
        for (var block = 0; block < blocks; block++)
        {
            from.Slice(block * size, size).CopyTo(target.Slice((int)(((firstBlock + block) * length + offset) * inner), size));
        }

        return (int)shape[0];
    }

    /// <summary>How many contiguous runs along <paramref name="axis"/> the tensor has, and the elements per position.</summary>
    private static (int Blocks, int Inner) Blocks(ReadOnlySpan<long> shape, int axis)
    {
        long blocks = 1, inner = 1;
        for (var d = 0; d < axis; d++)
        {
            blocks *= shape[d];
        }

        for (var d = axis + 1; d < shape.Length; d++)
        {
            inner *= shape[d];
        }

        return ((int)blocks, (int)inner);
    }
}
