using System.Runtime.InteropServices;
using System.Text;

namespace Seq2Seq.OnnxRuntime.Native;

/// <summary>The C API speaks null-terminated UTF-8; these convert at the boundary.</summary>
internal static unsafe class Utf8
{
    /// <summary>A null-terminated UTF-8 copy of <paramref name="value"/>, for use with <c>fixed</c>.</summary>
    internal static byte[] Encode(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    /// <summary>Like <see cref="Encode"/> but in memory the GC never moves, for pointers kept across calls.</summary>
    internal static byte[] EncodePinned(string value)
    {
        var bytes = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(value) + 1, pinned: true);
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    internal static string Decode(byte* value) => Marshal.PtrToStringUTF8((nint)value) ?? "";

    /// <summary>Reads a string that ONNX Runtime allocated with its default allocator, then frees it.</summary>
    internal static string DecodeAndFree(byte* value)
    {
        if (value == null)
        {
            return "";
        }

        try
        {
            return Decode(value);
        }
        finally
        {
            DefaultAllocator.Free(value);
        }
    }
}
