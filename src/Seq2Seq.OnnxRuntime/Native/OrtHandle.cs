using System.Buffers;
using System.Runtime.InteropServices;

namespace Seq2Seq.OnnxRuntime.Native;

/// <summary>
/// Owns one native ONNX Runtime object. SafeHandle guarantees the release function runs exactly once, even
/// when Dispose races a finalizer or is called twice, and its reference count keeps the object alive while
/// a native call that uses it is in flight on another thread.
/// </summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged[Cdecl]<nint, void> _release;
    private MemoryHandle _pinnedBuffer;

    internal OrtHandle(nint handle, delegate* unmanaged[Cdecl]<nint, void> release)
        : base(0, ownsHandle: true)
    {
        _release = release;
        SetHandle(handle);
    }

    /// <summary>An object that reads <paramref name="pinnedBuffer"/> in place; the pin ends after the release.</summary>
    internal OrtHandle(nint handle, delegate* unmanaged[Cdecl]<nint, void> release, MemoryHandle pinnedBuffer)
        : this(handle, release)
    {
        _pinnedBuffer = pinnedBuffer;
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        _release(handle);
        _pinnedBuffer.Dispose();
        return true;
    }

    /// <summary>Keeps the handle alive until the lease is disposed: <c>using var lease = handle.Use();</c>.</summary>
    internal Lease Use() => new(this, Enter());

    /// <summary>Keeps the handle alive for the duration of a native call; pair with <see cref="Leave"/>.</summary>
    internal nint Enter()
    {
        var added = false;
        DangerousAddRef(ref added);
        return handle;
    }

    internal void Leave() => DangerousRelease();

    internal readonly ref struct Lease(OrtHandle owner, nint handle)
    {
        internal nint Handle => handle;

        public void Dispose() => owner.Leave();
    }
}
