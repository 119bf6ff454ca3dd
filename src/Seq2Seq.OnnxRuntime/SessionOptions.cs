using Seq2Seq.OnnxRuntime.Native;

namespace Seq2Seq.OnnxRuntime;

/// <summary>
/// Settings for creating an <see cref="InferenceSession"/> (OrtSessionOptions). Each setter applies to the
/// native object at once; one instance can create several sessions and may be disposed after creating them.
/// </summary>
public sealed unsafe class SessionOptions : IDisposable
{
    private readonly OrtHandle _handle;

    public SessionOptions()
    {
        OrtLibrary.EnsureLoaded();
        nint options;
        OnnxRuntimeException.ThrowIfFailed(OrtApi.CreateSessionOptions(&options));
        _handle = new OrtHandle(options, OrtApi.ReleaseSessionOptions);
    }

    /// <summary>Threads used inside one operator (0 = ONNX Runtime's default, one per core).</summary>
    public void SetIntraOpThreads(int threads) => Apply(h => OrtApi.SetIntraOpNumThreads(h, threads));

    /// <summary>Threads used to run independent operators at once in <see cref="ExecutionMode.Parallel"/>.</summary>
    public void SetInterOpThreads(int threads) => Apply(h => OrtApi.SetInterOpNumThreads(h, threads));

    public void SetGraphOptimizationLevel(GraphOptimizationLevel level) =>
        Apply(h => OrtApi.SetSessionGraphOptimizationLevel(h, (int)level));

    public void SetExecutionMode(ExecutionMode mode) => Apply(h => OrtApi.SetSessionExecutionMode(h, (int)mode));

    /// <summary>The CPU memory arena keeps freed blocks for reuse; off trades speed for a smaller footprint.</summary>
    public void SetCpuMemoryArena(bool enabled) =>
        Apply(h => enabled ? OrtApi.EnableCpuMemArena(h) : OrtApi.DisableCpuMemArena(h));

    /// <summary>The memory pattern plans all intermediate buffers at once for repeated input shapes.</summary>
    public void SetMemoryPattern(bool enabled) =>
        Apply(h => enabled ? OrtApi.EnableMemPattern(h) : OrtApi.DisableMemPattern(h));

    /// <summary>Identifies this session's messages in the log.</summary>
    public void SetLogId(string logId) => ApplyString(logId, (h, p) => OrtApi.SetSessionLogId(h, (byte*)p));

    /// <summary>The least severe message this session logs (still subject to the environment's level).</summary>
    public void SetLogSeverity(OrtLoggingLevel level) => Apply(h => OrtApi.SetSessionLogSeverityLevel(h, (int)level));

    /// <summary>Writes the graph as optimized at load to this path, to inspect what the optimizer did.</summary>
    public void SetOptimizedModelFilePath(string path) =>
        ApplyString(path, (h, p) => OrtApi.SetOptimizedModelFilePath(h, (byte*)p));

    /// <summary>Fixes a symbolic dimension (by its name in the model) to a value, enabling static planning.</summary>
    public void AddFreeDimensionOverride(string dimensionName, long value) =>
        ApplyString(dimensionName, (h, p) => OrtApi.AddFreeDimensionOverrideByName(h, (byte*)p, value));

    /// <summary>Sets a session configuration entry (keys as in onnxruntime_session_options_config_keys.h).</summary>
    public void AddConfigEntry(string key, string value)
    {
        var keyBytes = Utf8.Encode(key);
        var valueBytes = Utf8.Encode(value);
        fixed (byte* k = keyBytes, v = valueBytes)
        {
            var (kp, vp) = ((nint)k, (nint)v);
            Apply(h => OrtApi.AddSessionConfigEntry(h, (byte*)kp, (byte*)vp));
        }
    }

    public void Dispose() => _handle.Dispose();

    internal nint Enter() => _handle.Enter();

    internal void Leave() => _handle.Leave();

    private void Apply(Func<nint, nint> call)
    {
        var handle = _handle.Enter();
        try
        {
            OnnxRuntimeException.ThrowIfFailed(call(handle));
        }
        finally
        {
            _handle.Leave();
        }
    }

    private void ApplyString(string value, Func<nint, nint, nint> call)
    {
        fixed (byte* bytes = Utf8.Encode(value))
        {
            var pointer = (nint)bytes;
            Apply(h => call(h, pointer));
        }
    }
}
