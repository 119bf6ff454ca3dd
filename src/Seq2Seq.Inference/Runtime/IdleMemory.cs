namespace Seq2Seq.Inference.Runtime;

/// <summary>What the engine keeps between decodes that an idle service can give back.</summary>
public static class IdleMemory
{
    /// <summary>
    /// Drops the idle cache buffers (pinned arrays kept for the next decode) so that the next collection can free
    /// their memory; buffers in use are untouched, and the next decode allocates what it needs again.
    /// </summary>
    public static void Release()
    {
        TensorBufferPool<float>.Shared.Clear();
        TensorBufferPool<long>.Shared.Clear();
    }
}
