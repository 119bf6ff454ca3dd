namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// Reusable buffers for cache tensors. The KV cache grows by one position per step, so a buffer is rented
/// with headroom and the one returned a step earlier usually fits the next request: in steady state a
/// decode allocates nothing. (ArrayPool.Shared keeps only a few arrays per size per core, too few for the
/// dozen multi-megabyte tensors a cohort holds, and rounds to powers of two.) Buffers are unmanaged
/// (<see cref="NativeBuffer{T}"/>), so ONNX Runtime reads them in place and one the pool drops is freed at once.
/// Thread-safe.
/// </summary>
internal sealed class TensorBufferPool<T>(long maxIdleBytes) where T : unmanaged
{
    private const double Headroom = 1.5;
    private readonly List<NativeBuffer<T>> _idle = [];
    private long _idleBytes;

    public static TensorBufferPool<T> Shared { get; } = new(256L << 20);

    /// <summary>A buffer of at least <paramref name="length"/> elements; the smallest idle one that fits.</summary>
    public NativeBuffer<T> Rent(int length)
    {
        lock (_idle)
        {
            var best = -1;
            for (var i = 0; i < _idle.Count; i++)
            {
                if (_idle[i].Length >= length && (best < 0 || _idle[i].Length < _idle[best].Length))
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                var buffer = _idle[best];
                _idle[best] = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
                _idleBytes -= buffer.Bytes;
                return buffer;
            }
        }

        return new NativeBuffer<T>((int)Math.Min(Array.MaxLength, Math.Max(16, length * Headroom)));
    }

    /// <summary>
    /// Keeps the buffer for reuse; past the idle limit the smallest buffers go first, since caches only
    /// grow during a decode and small buffers are the least likely to fit again.
    /// </summary>
    public void Return(NativeBuffer<T> buffer)
    {
        lock (_idle)
        {
            _idle.Add(buffer);
            _idleBytes += buffer.Bytes;
            while (_idleBytes > maxIdleBytes)
            {
                var smallest = 0;
                for (var i = 1; i < _idle.Count; i++)
                {
                    if (_idle[i].Length < _idle[smallest].Length)
                    {
                        smallest = i;
                    }
                }

                _idleBytes -= _idle[smallest].Bytes;
                _idle[smallest].Free();
                _idle[smallest] = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
            }
        }
    }

    /// <summary>Lets go of every idle buffer.</summary>
    public void Clear()
    {
        lock (_idle)
        {
            _idle.ForEach(b => b.Free());
            _idle.Clear();
            _idleBytes = 0;
        }
    }
}
