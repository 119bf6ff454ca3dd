using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// OrtValues straight over memory that does not move (arrays on the pinned object heap, or ONNX Runtime's
/// own buffers): no copy and no GC handle, the price of a tensor per step being one small native object.
/// </summary>
internal static unsafe class PinnedTensor
{
    /// <summary>An array on the pinned object heap, the only kind of array <see cref="Over{T}(T[], long[])"/> accepts.</summary>
    public static T[] Allocate<T>(int length) where T : unmanaged => GC.AllocateUninitializedArray<T>(length, pinned: true);

    /// <summary>A tensor of <paramref name="shape"/> over the start of an array from <see cref="Allocate{T}"/> (or the pool).</summary>
    public static OrtValue Over<T>(T[] pinned, long[] shape) where T : unmanaged =>
        Over(ref MemoryMarshal.GetArrayDataReference(pinned), shape);

    /// <summary>A tensor of <paramref name="shape"/> whose first element is <paramref name="start"/>, which must not move.</summary>
    public static OrtValue Over<T>(ref T start, long[] shape) where T : unmanaged =>
        OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, ElementType<T>(), shape,
            (nint)Unsafe.AsPointer(ref start), Length(shape) * sizeof(T));

    public static long Length(long[] shape)
    {
        var length = 1L;
        foreach (var d in shape)
        {
            length *= d;
        }

        return length;
    }

    private static TensorElementType ElementType<T>() =>
        typeof(T) == typeof(float) ? TensorElementType.Float
        : typeof(T) == typeof(long) ? TensorElementType.Int64
        : typeof(T) == typeof(bool) ? TensorElementType.Bool
        : throw new NotSupportedException($"No ONNX element type is mapped for {typeof(T)}.");
}
