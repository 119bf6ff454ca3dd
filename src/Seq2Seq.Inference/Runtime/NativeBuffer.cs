using System.Runtime.InteropServices;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// Unmanaged memory for a cache tensor: it never moves, so ONNX Runtime reads it in place, and it is given back the
/// moment <see cref="TensorBufferPool{T}"/> lets go of it. Pinned arrays were only freed by a full collection, and
/// under overload dead cache arrays piled up faster than collections came: with them, peak RSS at 4× overload was
/// 2,452 MiB against 1,747 MiB now (docs/reliability.md#memory). The finalizer only covers a buffer nobody returned.
/// </summary>
internal sealed unsafe class NativeBuffer<T> where T : unmanaged
{
    private T* _pointer;

    public NativeBuffer(int length)
    {
        _pointer = (T*)NativeMemory.AlignedAlloc((nuint)length * (nuint)sizeof(T), 64);
        Length = length;
    }

    ~NativeBuffer() => Release();

    public int Length { get; }

    public long Bytes => (long)Length * sizeof(T);

    /// <summary>The first element; valid until <see cref="Free"/>.</summary>
    public T* Pointer => _pointer != null ? _pointer : throw new ObjectDisposedException(nameof(NativeBuffer<T>));

    public Span<T> Span => new(Pointer, Length);

    public void Free()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }
}
