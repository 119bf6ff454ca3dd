using System.Buffers;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// Memory over an already-pinned or native buffer, so a tensor can view part of another tensor's data.
/// The caller keeps the buffer's owner alive for as long as the memory is used.
/// </summary>
internal sealed unsafe class UnmanagedMemory<T>(T* pointer, int length) : MemoryManager<T> where T : unmanaged
{
    public override Span<T> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
