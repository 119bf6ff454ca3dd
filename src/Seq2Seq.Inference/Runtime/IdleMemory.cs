namespace Seq2Seq.Inference.Runtime;

/// <summary>What the engine keeps between decodes that an idle service can give back.</summary>
public static class IdleMemory
{
    /// <summary>
    /// Frees the idle cache buffers (kept for the next decode) and gives the C heap's free pages back; buffers in
    /// use are untouched, and the next decode allocates what it needs again.
    /// </summary>
    public static void Release()
    {
        TensorBufferPool<float>.Shared.Clear();
        TensorBufferPool<long>.Shared.Clear();
        NativeHeap.Trim();
    }
}
