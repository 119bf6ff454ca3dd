using Seq2Seq.OnnxRuntime.Native;

namespace Seq2Seq.OnnxRuntime;

/// <summary>
/// Inputs and outputs bound to a session ahead of a run (OrtIoBinding), so a loop that feeds the same buffers
/// each step skips name lookups, and outputs can be left for ONNX Runtime to allocate on the CPU. A bound
/// <see cref="OrtValue"/> must stay undisposed while it is bound.
/// </summary>
public sealed unsafe class IoBinding : IDisposable
{
    private readonly OrtHandle _handle;
    private readonly List<string> _outputNames = [];

    internal IoBinding(InferenceSession session)
    {
        nint binding;
        var sessionHandle = session.Enter();
        try
        {
            OnnxRuntimeException.ThrowIfFailed(OrtApi.CreateIoBinding(sessionHandle, &binding));
        }
        finally
        {
            session.Leave();
        }

        _handle = new OrtHandle(binding, OrtApi.ReleaseIoBinding);
    }

    public void BindInput(string name, OrtValue value) => BindValue(name, value, OrtApi.BindInput);

    /// <summary>Binds an output to a caller-made tensor that the run writes into.</summary>
    public void BindOutput(string name, OrtValue value)
    {
        BindValue(name, value, OrtApi.BindOutput);
        RememberOutput(name);
    }

    /// <summary>Binds an output for ONNX Runtime to allocate on the CPU, in whatever shape the run produces.</summary>
    public void BindOutputToCpu(string name)
    {
        var binding = _handle.Enter();
        try
        {
            fixed (byte* utf8 = Utf8.Encode(name))
            {
                OnnxRuntimeException.ThrowIfFailed(OrtApi.BindOutputToDevice(binding, utf8, CpuMemoryInfo.Instance));
            }
        }
        finally
        {
            _handle.Leave();
        }

        RememberOutput(name);
    }

    /// <summary>The outputs of the last run, in the order they were bound; the caller owns the collection.</summary>
    public OrtValueCollection GetOutputs()
    {
        nint* values;
        nuint count;
        var binding = _handle.Enter();
        try
        {
            OnnxRuntimeException.ThrowIfFailed(OrtApi.GetBoundOutputValues(binding, DefaultAllocator.Instance, &values, &count));
        }
        finally
        {
            _handle.Leave();
        }

        var outputs = new OrtValue?[(int)count];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = OrtValue.FromNative(values[i]);
        }

        if (values != null)
        {
            DefaultAllocator.Free(values);
        }

        return new OrtValueCollection([.. _outputNames], outputs);
    }

    public void ClearInputs() => Clear(OrtApi.ClearBoundInputs);

    public void ClearOutputs()
    {
        Clear(OrtApi.ClearBoundOutputs);
        _outputNames.Clear();
    }

    public void Dispose() => _handle.Dispose();

    internal nint Enter() => _handle.Enter();

    internal void Leave() => _handle.Leave();

    private void RememberOutput(string name)
    {
        // Binding a name again replaces its value in place, keeping its position.
        if (!_outputNames.Contains(name))
        {
            _outputNames.Add(name);
        }
    }

    private void BindValue(string name, OrtValue value, delegate* unmanaged[Cdecl]<nint, byte*, nint, nint> bind)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var binding = _handle.Enter();
        var valueHandle = value.Enter();
        try
        {
            fixed (byte* utf8 = Utf8.Encode(name))
            {
                OnnxRuntimeException.ThrowIfFailed(bind(binding, utf8, valueHandle));
            }
        }
        finally
        {
            value.Leave();
            _handle.Leave();
        }
    }

    private void Clear(delegate* unmanaged[Cdecl]<nint, void> clear)
    {
        var binding = _handle.Enter();
        try
        {
            clear(binding);
        }
        finally
        {
            _handle.Leave();
        }
    }
}
