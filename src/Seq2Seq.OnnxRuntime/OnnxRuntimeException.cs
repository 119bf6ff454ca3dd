using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Seq2Seq.OnnxRuntime.Native;

namespace Seq2Seq.OnnxRuntime;

/// <summary>An ONNX Runtime call failed; carries ONNX Runtime's own error code and message.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : base($"[{errorCode}] {message}")
    {
        ErrorCode = errorCode;
        OrtMessage = message;
    }

    public OrtErrorCode ErrorCode { get; }

    /// <summary>The message exactly as ONNX Runtime reported it.</summary>
    public string OrtMessage { get; }

    /// <summary>Throws for a non-null OrtStatus, releasing it first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ThrowIfFailed(nint status)
    {
        if (status != 0)
        {
            ThrowFromStatus(status);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void ThrowFromStatus(nint status)
    {
        var code = (OrtErrorCode)OrtApi.GetErrorCode(status);
        var message = Marshal.PtrToStringUTF8((nint)OrtApi.GetErrorMessage(status)) ?? "";
        OrtApi.ReleaseStatus(status);
        throw new OnnxRuntimeException(code, message);
    }
}
