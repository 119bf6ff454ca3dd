using System.Runtime.InteropServices;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// Gives the C heap's free memory back to the system once the service is idle. Cache buffers
/// (<see cref="NativeBuffer{T}"/>) and ONNX Runtime's tensors come from malloc, and glibc keeps what is freed in its
/// heaps for reuse, where nothing else asks for it after a burst of load (docs/reliability.md#memory).
/// </summary>
internal static partial class NativeHeap
{
    /// <summary>Returns the heaps' free pages to the system (glibc's malloc_trim); a no-op where there is none.</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): its malloc keeps its own policy.
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
