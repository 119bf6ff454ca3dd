using Seq2Seq.OnnxRuntime.Native;

namespace Seq2Seq.OnnxRuntime;

/// <summary>
/// Inputs and outputs bound to a session ahead of a run (OrtIoBinding), so a loop that feeds the same buffers
/// each step skips name lookups, and outputs can be left for ONNX Runtime to allocate on the CPU. A bound
/// <see cref="OrtValue"/> must stay undisposed while it is bound.
/// </summary>
public sealed unsafe class IoBinding : IDisposable
{
    private readonly List<string> _outputNames = [];

    internal IoBinding(InferenceSession session)
    {
        nint binding;
        using (var sessionLease = session.Native.Use())
        {
            OnnxRuntimeException.ThrowIfFailed(OrtApi.CreateIoBinding(sessionLease.Handle, &binding));
        }

        Native = new OrtHandle(binding, OrtApi.ReleaseIoBinding);
    }

    internal OrtHandle Native { get; }

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
        using (var binding = Native.Use())
        {
            fixed (byte* utf8 = Utf8.Encode(name))
            {
                OnnxRuntimeException.ThrowIfFailed(OrtApi.BindOutputToDevice(binding.Handle, utf8, CpuMemoryInfo.Instance));
            }
        }

        RememberOutput(name);
    }

    /// <summary>The outputs of the last run, in the order they were bound; the caller owns the collection.</summary>
    public OrtValueCollection GetOutputs()
    {
        nint* values;
        nuint count;
        using (var binding = Native.Use())
        {
            OnnxRuntimeException.ThrowIfFailed(
                OrtApi.GetBoundOutputValues(binding.Handle, DefaultAllocator.Instance, &values, &count));
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

    public void ClearInputs()
    {
        using var binding = Native.Use();
        OrtApi.ClearBoundInputs(binding.Handle);
    }

    public void ClearOutputs()
    {
        using (var binding = Native.Use())
        {
            OrtApi.ClearBoundOutputs(binding.Handle);
        }

        _outputNames.Clear();
    }

    public void Dispose() => Native.Dispose();

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
        using var binding = Native.Use();
        using var valueLease = value.Native.Use();
        fixed (byte* utf8 = Utf8.Encode(name))
        {
            OnnxRuntimeException.ThrowIfFailed(bind(binding.Handle, utf8, valueLease.Handle));
        }
    }
}
