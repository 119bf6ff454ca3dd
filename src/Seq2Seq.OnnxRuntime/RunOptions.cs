using Seq2Seq.OnnxRuntime.Native;

namespace Seq2Seq.OnnxRuntime;

/// <summary>
/// Per-call settings for <see cref="InferenceSession.Run(ReadOnlySpan{string}, ReadOnlySpan{OrtValue}, ReadOnlySpan{string}, RunOptions?)"/>
/// (OrtRunOptions), including the terminate flag that cancels runs in flight from another thread.
/// </summary>
public sealed unsafe class RunOptions : IDisposable
{
    private readonly OrtHandle _handle;

    public RunOptions()
    {
        OrtLibrary.EnsureLoaded();
        nint options;
        OnnxRuntimeException.ThrowIfFailed(OrtApi.CreateRunOptions(&options));
        _handle = new OrtHandle(options, OrtApi.ReleaseRunOptions);
    }

    /// <summary>
    /// Makes runs using these options, the ones in flight and later ones, fail with an
    /// <see cref="OnnxRuntimeException"/> until <see cref="ResetTerminate"/>. Safe to call from any thread,
    /// e.g. from a <see cref="CancellationToken"/> registration.
    /// </summary>
    public void Terminate() => Apply(OrtApi.RunOptionsSetTerminate);

    /// <summary>Clears the flag set by <see cref="Terminate"/> so the options can be used again.</summary>
    public void ResetTerminate() => Apply(OrtApi.RunOptionsUnsetTerminate);

    public void Dispose() => _handle.Dispose();

    internal nint Enter() => _handle.Enter();

    internal void Leave() => _handle.Leave();

    private void Apply(delegate* unmanaged[Cdecl]<nint, nint> call)
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
}
