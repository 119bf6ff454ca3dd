using System.Buffers;
using Seq2Seq.OnnxRuntime;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// An OrtValue whose rows (first dimension) the engine rearranges: an output ONNX Runtime allocated, a
/// tensor over a buffer rented from <see cref="TensorBufferPool{T}"/> (returned when disposed), or a view
/// of the first rows of another such tensor, which it owns and disposes.
/// </summary>
internal sealed class PooledTensor<T> : IDisposable where T : unmanaged
{
    [ThreadStatic]
    private static T[]? _scratch;

    private T[]? _rented;
    private PooledTensor<T>? _owner;

    private PooledTensor(OrtValue value, T[]? rented, PooledTensor<T>? owner = null)
    {
        Value = value;
        _rented = rented;
        _owner = owner;
    }

    public OrtValue Value { get; }

    public static PooledTensor<T> Wrap(OrtValue value) => new(value, null);

    /// <summary>A tensor of <paramref name="shape"/> over a rented array that <paramref name="fill"/> writes.</summary>
    public static PooledTensor<T> Rent(ReadOnlySpan<long> shape, SpanAction<T, int> fill, int state)
    {
        var length = 1L;
        foreach (var d in shape)
        {
            length *= d;
        }

        var array = TensorBufferPool<T>.Shared.Rent((int)Math.Max(1, length));
        fill(array.AsSpan(0, (int)length), state);
        try
        {
            return new PooledTensor<T>(OrtValue.CreateTensor(array.AsMemory(), shape), array);
        }
        catch
        {
            TensorBufferPool<T>.Shared.Return(array);
            throw;
        }
    }

    /// <summary>
    /// Rearranges the rows in place so that row i holds what row parents[i] held, for i below
    /// parents.Length (at most the current rows). Only rows that change are written, and a source row is
    /// first saved aside only if it is itself overwritten, so beams that extend themselves and rows before
    /// the first finished one cost nothing. With fewer rows, returns a view of the first rows that owns
    /// this tensor; otherwise returns this tensor.
    /// </summary>
    public unsafe PooledTensor<T> Compact(ReadOnlySpan<int> parents)
    {
        var data = Value.GetTensorMutableData<T>();
        var source = Value.Shape;
        var rowSize = (int)(data.Length / source[0]);
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

        if (rows == source[0])
        {
            return this;
        }

        Span<long> shape = stackalloc long[source.Length];
        source.CopyTo(shape);
        shape[0] = rows;

        // The data stays where it is (pinned by this tensor, or native): the view only declares fewer rows.
        fixed (T* pointer = data)
        {
            var memory = new UnmanagedMemory<T>(pointer, Math.Max(1, rows * rowSize)).Memory;
            return new PooledTensor<T>(OrtValue.CreateTensor(memory, shape), null, this);
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

    /// <summary>New row i = this tensor's row parents[i]; rows are the first dimension.</summary>
    public PooledTensor<T> Gather(ReadOnlySpan<int> parents)
    {
        var source = Value.Shape;
        Span<long> shape = stackalloc long[source.Length];
        source.CopyTo(shape);
        var rowSize = (int)(Value.ElementCount / Math.Max(1, shape[0]));
        shape[0] = parents.Length;

        var length = rowSize * parents.Length;
        var array = TensorBufferPool<T>.Shared.Rent(Math.Max(1, length));
        var from = Value.GetTensorData<T>();
        for (var i = 0; i < parents.Length; i++)
        {
            from.Slice(parents[i] * rowSize, rowSize).CopyTo(array.AsSpan(i * rowSize, rowSize));
        }

        try
        {
            return new PooledTensor<T>(OrtValue.CreateTensor(array.AsMemory(), shape), array);
        }
        catch
        {
            TensorBufferPool<T>.Shared.Return(array);
            throw;
        }
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
}
