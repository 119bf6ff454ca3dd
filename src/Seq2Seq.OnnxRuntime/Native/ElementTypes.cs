namespace Seq2Seq.OnnxRuntime.Native;

/// <summary>Which C# element type stands for which tensor element type.</summary>
internal static class ElementTypes
{
    /// <summary>The tensor element type whose values <typeparamref name="T"/> holds; the JIT folds this per T.</summary>
    internal static TensorElementType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return TensorElementType.Float;
        if (typeof(T) == typeof(Half)) return TensorElementType.Float16;
        if (typeof(T) == typeof(double)) return TensorElementType.Double;
        if (typeof(T) == typeof(long)) return TensorElementType.Int64;
        if (typeof(T) == typeof(int)) return TensorElementType.Int32;
        if (typeof(T) == typeof(short)) return TensorElementType.Int16;
        if (typeof(T) == typeof(sbyte)) return TensorElementType.Int8;
        if (typeof(T) == typeof(ulong)) return TensorElementType.UInt64;
        if (typeof(T) == typeof(uint)) return TensorElementType.UInt32;
        if (typeof(T) == typeof(ushort)) return TensorElementType.UInt16;
        if (typeof(T) == typeof(byte)) return TensorElementType.UInt8;
        if (typeof(T) == typeof(bool)) return TensorElementType.Bool;
        throw new NotSupportedException($"{typeof(T)} is not a tensor element type.");
    }

    /// <summary>
    /// True when <typeparamref name="T"/> can hold elements of <paramref name="type"/>: its own type, or an
    /// unsigned integer of the same width as raw storage (ushort for float16 and bfloat16 bits).
    /// </summary>
    internal static unsafe bool CanHold<T>(TensorElementType type) where T : unmanaged
    {
        if (Of<T>() == type)
        {
            return true;
        }

        var isRawStorage = typeof(T) == typeof(byte) || typeof(T) == typeof(ushort)
            || typeof(T) == typeof(uint) || typeof(T) == typeof(ulong);
        return isRawStorage && sizeof(T) == SizeOf(type);
    }

    internal static int SizeOf(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64
            or TensorElementType.Complex64 => 8,
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Int16
            or TensorElementType.UInt16 => 2,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        TensorElementType.Complex128 => 16,
        _ => 0,
    };
}
