namespace Seq2Seq.OnnxRuntime.Native;

/// <summary>
/// Describes caller-owned CPU buffers handed to ONNX Runtime as tensors. One instance serves the whole process
/// and lives as long as it, so it is deliberately never released.
/// </summary>
internal static unsafe class CpuMemoryInfo
{
    private const int DeviceAllocator = 0;
    private const int MemTypeDefault = 0;

    internal static readonly nint Instance = Create();

    private static nint Create()
    {
        nint info;
        OnnxRuntimeException.ThrowIfFailed(OrtApi.CreateCpuMemoryInfo(DeviceAllocator, MemTypeDefault, &info));
        return info;
    }
}
