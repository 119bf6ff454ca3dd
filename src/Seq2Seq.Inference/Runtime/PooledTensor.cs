using System.Buffers;
using Seq2Seq.OnnxRuntime;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// An OrtValue whose rows (first dimension) the engine may gather: either an output ONNX Runtime
/// allocated, or a tensor over a buffer rented from <see cref="TensorBufferPool{T}"/>, returned when disposed.
/// </summary>
internal sealed class PooledTensor<T> : IDisposable where T : unmanaged
{
    private T[]? _rented;

    private PooledTensor(OrtValue value, T[]? rented)
    {
        Value = value;
        _rented = rented;
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
    }
}
