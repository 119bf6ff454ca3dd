using Seq2Seq.OnnxRuntime.Native;

namespace Seq2Seq.OnnxRuntime;

/// <summary>
/// Settings for creating an <see cref="InferenceSession"/> (OrtSessionOptions). Each setter applies to the
/// native object at once; one instance can create several sessions and may be disposed after creating them.
/// </summary>
public sealed unsafe class SessionOptions : IDisposable
{
    public SessionOptions()
    {
        OrtLibrary.EnsureLoaded();
        nint options;
        OnnxRuntimeException.ThrowIfFailed(OrtApi.CreateSessionOptions(&options));
        Native = new OrtHandle(options, OrtApi.ReleaseSessionOptions);
    }

    internal OrtHandle Native { get; }

    /// <summary>Threads used inside one operator (0 = ONNX Runtime's default, one per core).</summary>
    public void SetIntraOpThreads(int threads)
    {
        using var options = Native.Use();
        OnnxRuntimeException.ThrowIfFailed(OrtApi.SetIntraOpNumThreads(options.Handle, threads));
    }

    /// <summary>Threads used to run independent operators at once in <see cref="ExecutionMode.Parallel"/>.</summary>
    public void SetInterOpThreads(int threads)
    {
        using var options = Native.Use();
        OnnxRuntimeException.ThrowIfFailed(OrtApi.SetInterOpNumThreads(options.Handle, threads));
    }

    public void SetGraphOptimizationLevel(GraphOptimizationLevel level)
    {
        using var options = Native.Use();
        OnnxRuntimeException.ThrowIfFailed(OrtApi.SetSessionGraphOptimizationLevel(options.Handle, (int)level));
    }

    public void SetExecutionMode(ExecutionMode mode)
    {
        using var options = Native.Use();
        OnnxRuntimeException.ThrowIfFailed(OrtApi.SetSessionExecutionMode(options.Handle, (int)mode));
    }

    /// <summary>The CPU memory arena keeps freed blocks for reuse; off trades speed for a smaller footprint.</summary>
    public void SetCpuMemoryArena(bool enabled)
    {
        using var options = Native.Use();
        OnnxRuntimeException.ThrowIfFailed(
            enabled ? OrtApi.EnableCpuMemArena(options.Handle) : OrtApi.DisableCpuMemArena(options.Handle));
    }

    /// <summary>The memory pattern plans all intermediate buffers at once for repeated input shapes.</summary>
    public void SetMemoryPattern(bool enabled)
    {
        using var options = Native.Use();
        OnnxRuntimeException.ThrowIfFailed(
            enabled ? OrtApi.EnableMemPattern(options.Handle) : OrtApi.DisableMemPattern(options.Handle));
    }

    /// <summary>The least severe message this session logs (still subject to the environment's level).</summary>
    public void SetLogSeverity(OrtLoggingLevel level)
    {
        using var options = Native.Use();
        OnnxRuntimeException.ThrowIfFailed(OrtApi.SetSessionLogSeverityLevel(options.Handle, (int)level));
    }

    /// <summary>Identifies this session's messages in the log.</summary>
    public void SetLogId(string logId)
    {
        using var options = Native.Use();
        fixed (byte* utf8 = Utf8.Encode(logId))
        {
            OnnxRuntimeException.ThrowIfFailed(OrtApi.SetSessionLogId(options.Handle, utf8));
        }
    }

    /// <summary>Writes the graph as optimized at load to this path, to inspect what the optimizer did.</summary>
    public void SetOptimizedModelFilePath(string path)
    {
        using var options = Native.Use();
        fixed (byte* utf8 = Utf8.Encode(path))
        {
            OnnxRuntimeException.ThrowIfFailed(OrtApi.SetOptimizedModelFilePath(options.Handle, utf8));
        }
    }

    /// <summary>Fixes a symbolic dimension (by its name in the model) to a value, enabling static planning.</summary>
    public void AddFreeDimensionOverride(string dimensionName, long value)
    {
        using var options = Native.Use();
        fixed (byte* utf8 = Utf8.Encode(dimensionName))
        {
            OnnxRuntimeException.ThrowIfFailed(OrtApi.AddFreeDimensionOverrideByName(options.Handle, utf8, value));
        }
    }

    /// <summary>Sets a session configuration entry (keys as in onnxruntime_session_options_config_keys.h).</summary>
    public void AddConfigEntry(string key, string value)
    {
        using var options = Native.Use();
        fixed (byte* keyUtf8 = Utf8.Encode(key), valueUtf8 = Utf8.Encode(value))
        {
            OnnxRuntimeException.ThrowIfFailed(OrtApi.AddSessionConfigEntry(options.Handle, keyUtf8, valueUtf8));
        }
    }

    public void Dispose() => Native.Dispose();
}
