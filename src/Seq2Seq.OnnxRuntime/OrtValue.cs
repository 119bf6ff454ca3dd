using Seq2Seq.OnnxRuntime.Native;

namespace Seq2Seq.OnnxRuntime;

/// <summary>
/// A tensor ONNX Runtime can read or has produced (OrtValue). Tensors made by <see cref="CreateTensor{T}(Memory{T}, ReadOnlySpan{long})"/>
/// wrap the caller's buffer without copying and keep it pinned until disposed; tensors returned by a run own
/// native memory that disposing frees. Either way the data is readable as a span for as long as the value lives.
/// </summary>
public sealed unsafe class OrtValue : IDisposable
{
    private TensorElementType _elementType;
    private long[]? _shape;
    private void* _data;

    private OrtValue(OrtHandle handle, TensorElementType elementType, long[]? shape, void* data)
    {
        Native = handle;
        _elementType = elementType;
        _shape = shape;
        _data = data;
    }

    /// <summary>A tensor over <paramref name="data"/>, of the element type that <typeparamref name="T"/> holds.</summary>
    public static OrtValue CreateTensor<T>(Memory<T> data, ReadOnlySpan<long> shape) where T : unmanaged =>
        CreateTensor(data, shape, ElementTypes.Of<T>());

    /// <summary>
    /// A tensor over <paramref name="data"/> read as <paramref name="elementType"/>, for raw storage such as
    /// float16 bits in ushort. The buffer may be longer than the shape needs; ONNX Runtime rejects a shorter one.
    /// </summary>
    public static OrtValue CreateTensor<T>(Memory<T> data, ReadOnlySpan<long> shape, TensorElementType elementType)
        where T : unmanaged
    {
        if (!ElementTypes.CanHold<T>(elementType))
        {
            throw new ArgumentException($"{typeof(T).Name} cannot hold {elementType} elements.", nameof(elementType));
        }

        OrtLibrary.EnsureLoaded();
        var pin = data.Pin();
        try
        {
            nint value;
            fixed (long* dims = shape)
            {
                OnnxRuntimeException.ThrowIfFailed(OrtApi.CreateTensorWithDataAsOrtValue(
                    CpuMemoryInfo.Instance, pin.Pointer, (nuint)data.Length * (nuint)sizeof(T),
                    dims, (nuint)shape.Length, (int)elementType, &value));
            }

            return new OrtValue(new OrtHandle(value, OrtApi.ReleaseValue, pin), elementType, shape.ToArray(), pin.Pointer);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>Takes ownership of a value ONNX Runtime allocated.</summary>
    internal static OrtValue FromNative(nint value) => new(new OrtHandle(value, OrtApi.ReleaseValue), TensorElementType.Undefined, null, null);

    public TensorElementType ElementType
    {
        get
        {
            EnsureTypeAndShape();
            return _elementType;
        }
    }

    public ReadOnlySpan<long> Shape
    {
        get
        {
            EnsureTypeAndShape();
            return _shape;
        }
    }

    /// <summary>Number of elements: the product of <see cref="Shape"/>.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dimension in Shape)
            {
                count *= dimension;
            }

            return count;
        }
    }

    public OnnxValueType ValueType
    {
        get
        {
            int type;
            using var value = Native.Use();
            OnnxRuntimeException.ThrowIfFailed(OrtApi.GetValueType(value.Handle, &type));
            return (OnnxValueType)type;
        }
    }

    /// <summary>The tensor's elements, valid until this value is disposed.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> cannot hold the tensor's element type.</exception>
    public ReadOnlySpan<T> GetTensorData<T>() where T : unmanaged => GetTensorMutableData<T>();

    /// <summary>The tensor's elements for writing in place, valid until this value is disposed.</summary>
    public Span<T> GetTensorMutableData<T>() where T : unmanaged
    {
        var elementType = ElementType;
        if (!ElementTypes.CanHold<T>(elementType))
        {
            throw new InvalidOperationException($"The tensor holds {elementType} elements, which {typeof(T).Name} cannot hold.");
        }

        return new Span<T>(DataPointer(), checked((int)ElementCount));
    }

    public void Dispose() => Native.Dispose();

    internal OrtHandle Native { get; }

    private void* DataPointer()
    {
        if (_data == null)
        {
            void* data;
            using var value = Native.Use();
            OnnxRuntimeException.ThrowIfFailed(OrtApi.GetTensorMutableData(value.Handle, &data));
            _data = data;
        }

        return _data;
    }

    private void EnsureTypeAndShape()
    {
        if (_shape is not null)
        {
            return;
        }

        nint info;
        using (var value = Native.Use())
        {
            OnnxRuntimeException.ThrowIfFailed(OrtApi.GetTensorTypeAndShape(value.Handle, &info));
        }

        try
        {
            _elementType = TensorInfo.ElementType(info);
            Volatile.Write(ref _shape, TensorInfo.Dimensions(info));
        }
        finally
        {
            OrtApi.ReleaseTensorTypeAndShapeInfo(info);
        }
    }
}
