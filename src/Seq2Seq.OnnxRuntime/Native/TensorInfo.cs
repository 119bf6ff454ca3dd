namespace Seq2Seq.OnnxRuntime.Native;

/// <summary>Reads an OrtTensorTypeAndShapeInfo; the caller keeps ownership of the info object.</summary>
internal static unsafe class TensorInfo
{
    internal static TensorElementType ElementType(nint info)
    {
        int type;
        OnnxRuntimeException.ThrowIfFailed(OrtApi.GetTensorElementType(info, &type));
        return (TensorElementType)type;
    }

    internal static long[] Dimensions(nint info)
    {
        var dimensions = new long[Rank(info)];
        fixed (long* buffer = dimensions)
        {
            OnnxRuntimeException.ThrowIfFailed(OrtApi.GetDimensions(info, buffer, (nuint)dimensions.Length));
        }

        return dimensions;
    }

    internal static string[] SymbolicDimensions(nint info)
    {
        var rank = Rank(info);
        var names = new byte*[rank];
        fixed (byte** buffer = names)
        {
            OnnxRuntimeException.ThrowIfFailed(OrtApi.GetSymbolicDimensions(info, buffer, (nuint)rank));
        }

        // The strings belong to the info object; copy them before it goes.
        var result = new string[rank];
        for (var i = 0; i < rank; i++)
        {
            result[i] = names[i] == null ? "" : Utf8.Decode(names[i]);
        }

        return result;
    }

    private static int Rank(nint info)
    {
        nuint rank;
        OnnxRuntimeException.ThrowIfFailed(OrtApi.GetDimensionsCount(info, &rank));
        return checked((int)rank);
    }
}
