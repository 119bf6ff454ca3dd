using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// An OrtValue whose rows (first dimension) the engine rearranges: an output ONNX Runtime allocated, a
/// tensor over a buffer rented from <see cref="TensorBufferPool{T}"/> (returned when disposed), or a view
/// of the first rows of another such tensor, which it owns and disposes. Shape and data address are kept
/// here, so rearranging rows never asks ONNX Runtime for a type-and-shape object (a handful of native calls
/// and allocations each time).
/// </summary>
internal sealed unsafe class PooledTensor<T> : IDisposable where T : unmanaged
{
    [ThreadStatic]
    private static T[]? _scratch;

    private NativeBuffer<T>? _rented;
    private PooledTensor<T>? _owner;

    private readonly T* _data;

    private PooledTensor(OrtValue value, long[] shape, T* data, NativeBuffer<T>? rented, PooledTensor<T>? owner = null)
    {
        Value = value;
        Shape = shape;
        _data = data;
        _rented = rented;
        _owner = owner;
    }

    public OrtValue Value { get; }

    public long[] Shape { get; }

    /// <summary>The elements, valid while this tensor is alive; the memory never moves.</summary>
    public Span<T> Data => new(_data, checked((int)PinnedTensor.Length(Shape)));

    /// <summary>Takes ownership of an output ONNX Runtime allocated.</summary>
    public static PooledTensor<T> Wrap(OrtValue value)
    {
        var shape = value.GetTensorTypeAndShape().Shape;
        return new(value, shape, (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(value.GetTensorMutableDataAsSpan<T>())), null);
    }

    /// <summary>A tensor of <paramref name="shape"/> over a rented array that <paramref name="fill"/> writes.</summary>
    public static PooledTensor<T> Rent(long[] shape, SpanAction<T, int> fill, int state)
    {
        var length = (int)PinnedTensor.Length(shape);
        var array = TensorBufferPool<T>.Shared.Rent(Math.Max(1, length));
        fill(array.Span[..length], state);
        return OverRented(array, shape);
    }

    /// <summary>
    /// Rearranges the rows in place so that row i holds what row parents[i] held, for i below
    /// parents.Length (at most the current rows). Only rows that change are written, and a source row is
    /// first saved aside only if it is itself overwritten, so beams that extend themselves and rows before
    /// the first finished one cost nothing. With fewer rows, returns a view of the first rows that owns
    /// this tensor; otherwise returns this tensor.
    /// </summary>
    public PooledTensor<T> Compact(ReadOnlySpan<int> parents)
    {
        var data = Data;
        var rowSize = (int)(data.Length / Shape[0]);
        var rows = parents.Length;
        Span<int> savedAt = rows <= 256 ? stackalloc int[rows] : new int[rows];
        savedAt.Fill(-1);
        var saves = 0;
        for (var i = 0; i < rows; i++)
        {
            var p = parents[i];
            if (p != i && p < rows && parents[p] != p && savedAt[p] < 0)
            {
                savedAt[p] = saves++;
            }
        }

        var scratch = saves == 0 ? null : Scratch(saves * rowSize);
        for (var p = 0; p < rows; p++)
        {
            if (savedAt[p] >= 0)
            {
                data.Slice(p * rowSize, rowSize).CopyTo(scratch.AsSpan(savedAt[p] * rowSize, rowSize));
            }
        }

        for (var i = 0; i < rows; i++)
        {
            var p = parents[i];
            if (p != i)
            {
                ReadOnlySpan<T> from = p < rows && savedAt[p] >= 0 ? scratch.AsSpan(savedAt[p] * rowSize, rowSize) : data.Slice(p * rowSize, rowSize);
                from.CopyTo(data.Slice(i * rowSize, rowSize));
            }
        }

        if (rows == Shape[0])
        {
            return this;
        }

        var shape = (long[])Shape.Clone();
        shape[0] = rows;

        // The data stays where it is (a pool buffer, or ONNX Runtime's memory): the view only declares fewer rows.
        return new PooledTensor<T>(PinnedTensor.Over(ref *_data, shape), shape, _data, null, this);
    }

    /// <summary>New row i = this tensor's row parents[i]; rows are the first dimension.</summary>
    public PooledTensor<T> Gather(ReadOnlySpan<int> parents)
    {
        var shape = (long[])Shape.Clone();
        var rowSize = (int)(PinnedTensor.Length(shape) / Math.Max(1, shape[0]));
        shape[0] = parents.Length;

        var array = TensorBufferPool<T>.Shared.Rent(Math.Max(1, rowSize * parents.Length));
        var from = Data;
        for (var i = 0; i < parents.Length; i++)
        {
            from.Slice(parents[i] * rowSize, rowSize).CopyTo(array.Span.Slice(i * rowSize, rowSize));
        }

        return OverRented(array, shape);
    }

    /// <summary>
    /// Row i = old row parents[i], consuming this tensor: in place when rows only move or leave, a new
    /// buffer when beam search forks into more rows, null when no row is left.
    /// </summary>
    public PooledTensor<T>? Rearrange(ReadOnlySpan<int> parents)
    {
        if (parents.Length == 0)
        {
            Dispose();
            return null;
        }

        if (parents.Length <= Shape[0])
        {
            return Compact(parents);
        }

        var gathered = Gather(parents);
        Dispose();
        return gathered;
    }

    /// <summary>Row i = old row parents[i] in a new buffer, consuming this tensor; null when no row is left.</summary>
    public PooledTensor<T>? Regather(ReadOnlySpan<int> parents)
    {
        var gathered = parents.Length == 0 ? null : Gather(parents);
        Dispose();
        return gathered;
    }

    public void Dispose()
    {
        Value.Dispose();
        if (_rented is not null)
        {
            TensorBufferPool<T>.Shared.Return(_rented);
            _rented = null;
        }

        _owner?.Dispose();
        _owner = null;
    }

    /// <summary>A tensor straight over the pool's unmanaged buffer.</summary>
    private static PooledTensor<T> OverRented(NativeBuffer<T> array, long[] shape)
    {
        try
        {
            return new PooledTensor<T>(PinnedTensor.Over(ref *array.Pointer, shape), shape, array.Pointer, array);
        }
        catch
        {
            TensorBufferPool<T>.Shared.Return(array);
            throw;
        }
    }

    // Per thread, so that saved rows never compete with cache buffers in the shared pool.
    private static T[] Scratch(int length)
    {
        if (_scratch is null || _scratch.Length < length)
        {
            _scratch = GC.AllocateUninitializedArray<T>(length + length / 2);
        }

        return _scratch;
    }
}
