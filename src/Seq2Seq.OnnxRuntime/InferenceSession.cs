using Seq2Seq.OnnxRuntime.Native;

namespace Seq2Seq.OnnxRuntime;

/// <summary>
/// A loaded model (OrtSession). Thread-safe: any number of threads may call <c>Run</c> on one session at once.
/// </summary>
public sealed unsafe class InferenceSession : IDisposable
{
    /// <summary>Up to this many inputs or outputs, a run keeps its argument arrays on the stack.</summary>
    private const int StackArgumentLimit = 128;

    private readonly NameTable _inputNames;
    private readonly NameTable _outputNames;
    private readonly string[] _allOutputNames;

    /// <summary>Loads the model at <paramref name="modelPath"/>.</summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot load it (missing file, invalid model, ...).</exception>
    public InferenceSession(string modelPath, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        var environment = OrtEnvironment.Instance;
        var ownedOptions = options is null ? new SessionOptions() : null;
        var effectiveOptions = options ?? ownedOptions!;
        try
        {
            nint session;
            using (var optionsLease = effectiveOptions.Native.Use())
            {
                fixed (byte* path = Utf8.Encode(modelPath))
                {
                    OnnxRuntimeException.ThrowIfFailed(
                        OrtApi.CreateSession(environment.Handle, path, optionsLease.Handle, &session));
                }
            }

            Native = new OrtHandle(session, OrtApi.ReleaseSession);
        }
        finally
        {
            ownedOptions?.Dispose();
        }

        try
        {
            Inputs = ReadNodes(OrtApi.SessionGetInputCount, OrtApi.SessionGetInputName, OrtApi.SessionGetInputTypeInfo);
            Outputs = ReadNodes(OrtApi.SessionGetOutputCount, OrtApi.SessionGetOutputName, OrtApi.SessionGetOutputTypeInfo);
            OverridableInitializers = ReadNodes(OrtApi.SessionGetOverridableInitializerCount,
                OrtApi.SessionGetOverridableInitializerName, OrtApi.SessionGetOverridableInitializerTypeInfo);
            ModelMetadata = ReadModelMetadata();
        }
        catch
        {
            Native.Dispose();
            throw;
        }

        _inputNames = new NameTable(Inputs);
        _outputNames = new NameTable(Outputs);
        _allOutputNames = Outputs.Select(o => o.Name).ToArray();
    }

    public IReadOnlyList<NodeMetadata> Inputs { get; }

    public IReadOnlyList<NodeMetadata> Outputs { get; }

    /// <summary>Initializers that are also graph inputs: a run may feed them by name, or leave their stored default.</summary>
    public IReadOnlyList<NodeMetadata> OverridableInitializers { get; }

    public ModelMetadata ModelMetadata { get; }

    /// <summary>
    /// Runs the model on the named inputs and returns the named outputs, in the order asked for.
    /// Names are matched to UTF-8 copies cached per session, and the native argument arrays live on the stack,
    /// so a call allocates little beyond the returned outputs.
    /// </summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the call (unknown name, wrong shape or type,
    /// terminated through <paramref name="runOptions"/>, ...).</exception>
    public OrtValueCollection Run(
        ReadOnlySpan<string> inputNames,
        ReadOnlySpan<OrtValue> inputValues,
        ReadOnlySpan<string> outputNames,
        RunOptions? runOptions = null) =>
        Run(inputNames, inputValues, outputNames.ToArray(), runOptions);

    /// <summary>Runs the model and returns all its outputs, in the model's order.</summary>
    /// <inheritdoc cref="Run(ReadOnlySpan{string}, ReadOnlySpan{OrtValue}, ReadOnlySpan{string}, RunOptions?)"/>
    public OrtValueCollection Run(
        ReadOnlySpan<string> inputNames,
        ReadOnlySpan<OrtValue> inputValues,
        RunOptions? runOptions = null) =>
        Run(inputNames, inputValues, _allOutputNames, runOptions);

    /// <summary>Creates an <see cref="IoBinding"/> to run this session with inputs and outputs bound in advance.</summary>
    public IoBinding CreateIoBinding() => new(this);

    /// <summary>Runs the model on the values bound to <paramref name="binding"/>.</summary>
    /// <inheritdoc cref="Run(ReadOnlySpan{string}, ReadOnlySpan{OrtValue}, ReadOnlySpan{string}, RunOptions?)"/>
    public void Run(IoBinding binding, RunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(binding);
        using var session = Native.Use();
        using var bindingLease = binding.Native.Use();
        var options = runOptions?.Native.Enter() ?? 0;
        try
        {
            OnnxRuntimeException.ThrowIfFailed(OrtApi.RunWithBinding(session.Handle, options, bindingLease.Handle));
        }
        finally
        {
            runOptions?.Native.Leave();
        }
    }

    public void Dispose() => Native.Dispose();

    internal OrtHandle Native { get; }

    private OrtValueCollection Run(
        ReadOnlySpan<string> inputNames,
        ReadOnlySpan<OrtValue> inputValues,
        string[] outputNames,
        RunOptions? runOptions)
    {
        if (inputNames.Length != inputValues.Length)
        {
            throw new ArgumentException(
                $"{inputNames.Length} input names but {inputValues.Length} input values.", nameof(inputValues));
        }

        var inputCount = inputNames.Length;
        var outputCount = outputNames.Length;
        Span<nint> inputNamePointers = inputCount <= StackArgumentLimit ? stackalloc nint[inputCount] : new nint[inputCount];
        Span<nint> inputHandles = inputCount <= StackArgumentLimit ? stackalloc nint[inputCount] : new nint[inputCount];
        Span<nint> outputNamePointers = outputCount <= StackArgumentLimit ? stackalloc nint[outputCount] : new nint[outputCount];
        Span<nint> outputHandles = outputCount <= StackArgumentLimit ? stackalloc nint[outputCount] : new nint[outputCount];
        outputHandles.Clear();

        // Names the session does not know are passed through so that ONNX Runtime reports them itself.
        List<byte[]>? unknownNames = null;
        for (var i = 0; i < inputCount; i++)
        {
            inputNamePointers[i] = _inputNames.PointerFor(inputNames[i], ref unknownNames);
        }

        for (var i = 0; i < outputCount; i++)
        {
            outputNamePointers[i] = _outputNames.PointerFor(outputNames[i], ref unknownNames);
        }

        var session = Native.Enter();
        var enteredInputs = 0;
        nint options = 0;
        var enteredOptions = false;
        try
        {
            for (; enteredInputs < inputCount; enteredInputs++)
            {
                var value = inputValues[enteredInputs] ?? throw new ArgumentNullException(nameof(inputValues), $"Input value {enteredInputs} is null.");
                inputHandles[enteredInputs] = value.Native.Enter();
            }

            if (runOptions is not null)
            {
                options = runOptions.Native.Enter();
                enteredOptions = true;
            }

            fixed (nint* inNames = inputNamePointers, inValues = inputHandles, outNames = outputNamePointers, outValues = outputHandles)
            {
                OnnxRuntimeException.ThrowIfFailed(OrtApi.Run(
                    session, options, (byte**)inNames, inValues, (nuint)inputCount,
                    (byte**)outNames, (nuint)outputCount, outValues));
            }
        }
        finally
        {
            if (enteredOptions)
            {
                runOptions!.Native.Leave();
            }

            for (var i = 0; i < enteredInputs; i++)
            {
                inputValues[i].Native.Leave();
            }

            Native.Leave();
            GC.KeepAlive(unknownNames);
        }

        var outputs = new OrtValue?[outputCount];
        for (var i = 0; i < outputCount; i++)
        {
            outputs[i] = OrtValue.FromNative(outputHandles[i]);
        }

        return new OrtValueCollection(outputNames, outputs);
    }

    private NodeMetadata[] ReadNodes(
        delegate* unmanaged[Cdecl]<nint, nuint*, nint> getCount,
        delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> getName,
        delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> getTypeInfo)
    {
        var session = Native.DangerousGetHandle();
        nuint count;
        OnnxRuntimeException.ThrowIfFailed(getCount(session, &count));
        var nodes = new NodeMetadata[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* name;
            OnnxRuntimeException.ThrowIfFailed(getName(session, i, DefaultAllocator.Instance, &name));
            var managedName = Utf8.DecodeAndFree(name);

            nint typeInfo;
            OnnxRuntimeException.ThrowIfFailed(getTypeInfo(session, i, &typeInfo));
            try
            {
                nodes[(int)i] = ReadNode(managedName, typeInfo);
            }
            finally
            {
                OrtApi.ReleaseTypeInfo(typeInfo);
            }
        }

        return nodes;
    }

    private static NodeMetadata ReadNode(string name, nint typeInfo)
    {
        int valueType;
        OnnxRuntimeException.ThrowIfFailed(OrtApi.GetOnnxTypeFromTypeInfo(typeInfo, &valueType));

        // Borrowed from typeInfo (not to be released); null when the value is not a tensor.
        nint tensorInfo;
        OnnxRuntimeException.ThrowIfFailed(OrtApi.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        if (tensorInfo == 0)
        {
            return new NodeMetadata(name, (OnnxValueType)valueType, TensorElementType.Undefined, [], []);
        }

        return new NodeMetadata(
            name,
            (OnnxValueType)valueType,
            TensorInfo.ElementType(tensorInfo),
            TensorInfo.Dimensions(tensorInfo),
            TensorInfo.SymbolicDimensions(tensorInfo));
    }

    private ModelMetadata ReadModelMetadata()
    {
        nint metadata;
        OnnxRuntimeException.ThrowIfFailed(OrtApi.SessionGetModelMetadata(Native.DangerousGetHandle(), &metadata));
        try
        {
            long version;
            OnnxRuntimeException.ThrowIfFailed(OrtApi.ModelMetadataGetVersion(metadata, &version));
            return new ModelMetadata(
                ReadString(metadata, OrtApi.ModelMetadataGetProducerName),
                ReadString(metadata, OrtApi.ModelMetadataGetGraphName),
                ReadString(metadata, OrtApi.ModelMetadataGetDomain),
                ReadString(metadata, OrtApi.ModelMetadataGetDescription),
                version,
                ReadCustomMetadata(metadata));
        }
        finally
        {
            OrtApi.ReleaseModelMetadata(metadata);
        }
    }

    private static string ReadString(nint metadata, delegate* unmanaged[Cdecl]<nint, nint, byte**, nint> getter)
    {
        byte* value;
        OnnxRuntimeException.ThrowIfFailed(getter(metadata, DefaultAllocator.Instance, &value));
        return Utf8.DecodeAndFree(value);
    }

    private static Dictionary<string, string> ReadCustomMetadata(nint metadata)
    {
        byte** keys;
        long count;
        OnnxRuntimeException.ThrowIfFailed(
            OrtApi.ModelMetadataGetCustomMetadataMapKeys(metadata, DefaultAllocator.Instance, &keys, &count));
        var result = new Dictionary<string, string>((int)count, StringComparer.Ordinal);
        if (keys == null)
        {
            return result;
        }

        try
        {
            for (long i = 0; i < count; i++)
            {
                byte* value;
                OnnxRuntimeException.ThrowIfFailed(
                    OrtApi.ModelMetadataLookupCustomMetadataMap(metadata, DefaultAllocator.Instance, keys[i], &value));
                result[Utf8.Decode(keys[i])] = Utf8.DecodeAndFree(value);
            }
        }
        finally
        {
            for (long i = 0; i < count; i++)
            {
                DefaultAllocator.Free(keys[i]);
            }

            DefaultAllocator.Free(keys);
        }

        return result;
    }

    /// <summary>Input or output names as UTF-8 in memory that never moves, so a run passes pointers without copying.</summary>
    private sealed class NameTable
    {
        private readonly Dictionary<string, nint> _pointers = new(StringComparer.Ordinal);

        // Keeps the pinned arrays reachable for as long as the pointers above are handed out.
        private readonly List<byte[]> _storage = [];

        internal NameTable(IEnumerable<NodeMetadata> nodes)
        {
            foreach (var node in nodes)
            {
                var bytes = Utf8.EncodePinned(node.Name);
                _storage.Add(bytes);
                fixed (byte* pointer = bytes)
                {
                    _pointers[node.Name] = (nint)pointer;
                }
            }
        }

        internal nint PointerFor(string name, ref List<byte[]>? unknownNames)
        {
            ArgumentNullException.ThrowIfNull(name);
            if (_pointers.TryGetValue(name, out var pointer))
            {
                return pointer;
            }

            var bytes = Utf8.EncodePinned(name);
            (unknownNames ??= []).Add(bytes);
            fixed (byte* unknown = bytes)
            {
                return (nint)unknown;
            }
        }
    }
}
