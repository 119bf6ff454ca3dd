namespace Seq2Seq.OnnxRuntime.Native;

/// <summary>
/// ONNX Runtime's default CPU allocator, which allocates the strings it returns (names, metadata) and must
/// free them. It is a process-wide object owned by ONNX Runtime and is never released.
/// </summary>
internal static unsafe class DefaultAllocator
{
    internal static readonly nint Instance = Get();

    internal static void Free(void* pointer) => OnnxRuntimeException.ThrowIfFailed(OrtApi.AllocatorFree(Instance, pointer));

    private static nint Get()
    {
        nint allocator;
        OnnxRuntimeException.ThrowIfFailed(OrtApi.GetAllocatorWithDefaultOptions(&allocator));
        return allocator;
    }
}
