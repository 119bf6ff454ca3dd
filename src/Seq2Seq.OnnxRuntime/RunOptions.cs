using Seq2Seq.OnnxRuntime.Native;

namespace Seq2Seq.OnnxRuntime;

/// <summary>
/// Per-call settings for <see cref="InferenceSession.Run(ReadOnlySpan{string}, ReadOnlySpan{OrtValue}, ReadOnlySpan{string}, RunOptions?)"/>
/// (OrtRunOptions), including the terminate flag that cancels runs in flight from another thread.
/// </summary>
public sealed unsafe class RunOptions : IDisposable
{
    public RunOptions()
    {
        OrtLibrary.EnsureLoaded();
        nint options;
        OnnxRuntimeException.ThrowIfFailed(OrtApi.CreateRunOptions(&options));
        Native = new OrtHandle(options, OrtApi.ReleaseRunOptions);
    }

    internal OrtHandle Native { get; }

    /// <summary>
    /// Makes runs using these options, the ones in flight and later ones, fail with an
    /// <see cref="OnnxRuntimeException"/> until <see cref="ResetTerminate"/>. Safe to call from any thread,
    /// e.g. from a <see cref="CancellationToken"/> registration.
    /// </summary>
    public void Terminate()
    {
        using var options = Native.Use();
        OnnxRuntimeException.ThrowIfFailed(OrtApi.RunOptionsSetTerminate(options.Handle));
    }

    /// <summary>Clears the flag set by <see cref="Terminate"/> so the options can be used again.</summary>
    public void ResetTerminate()
    {
        using var options = Native.Use();
        OnnxRuntimeException.ThrowIfFailed(OrtApi.RunOptionsUnsetTerminate(options.Handle));
    }

    public void Dispose() => Native.Dispose();
}
