using System.Runtime.InteropServices;
using GpuEngine.Ir;

namespace GpuEngine.Execution;

/// <summary>
/// A named input or output of <see cref="InferenceSession.Run(IReadOnlyCollection{NamedTensor}, IReadOnlyCollection{NamedTensor})"/>,
/// in the manner of ONNX Runtime's NamedOnnxValue: a name, a shape, an element type and host memory.
/// <para>
/// Ownership is in the factory names. <see cref="Wrap(string, Tensor)"/> and <see cref="Wrap(string, Memory{float}, TensorShape)"/>
/// wrap the caller's memory without copying: the caller keeps owning it, and a session reads or fills it only during
/// the Run call it is passed to, never keeping a reference. Values in a <see cref="RunResults"/> are the collection's:
/// they are valid until it is disposed.
/// </para>
/// </summary>
public sealed class NamedTensor
{
    private readonly Tensor? _tensor;
    private readonly Memory<float> _floats;
    private readonly RunResults? _owner;

    private NamedTensor(string name, TensorShape shape, DataType dataType, Tensor? tensor, Memory<float> floats, RunResults? owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Shape = shape;
        DataType = dataType;
        _tensor = tensor;
        _floats = floats;
        _owner = owner;
    }

    /// <summary>The model's name for this input or output (see <see cref="InferenceSession.InputNames"/>).</summary>
    public string Name { get; }

    public TensorShape Shape { get; }

    public DataType DataType { get; }

    /// <summary>Wraps the caller's tensor (any element type): not copied, not retained after the call.</summary>
    public static NamedTensor Wrap(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new(name, tensor.Shape, tensor.DataType, tensor, default, null);
    }

    /// <summary>Wraps caller-owned float32 memory of <paramref name="shape"/> (its length must be the shape's element count).</summary>
    public static NamedTensor Wrap(string name, Memory<float> data, TensorShape shape)
    {
        if (data.Length != shape.Elements)
            throw new GpuEngineException($"tensor '{name}': shape {shape} needs {shape.Elements} floats, the memory holds {data.Length}");
        return new(name, shape, DataType.Float32, null, data, null);
    }

    /// <summary>A float32 result held by <paramref name="owner"/> (valid until it is disposed).</summary>
    internal static NamedTensor Owned(string name, Memory<float> data, TensorShape shape, RunResults owner) =>
        new(name, shape, DataType.Float32, null, data, owner);

    /// <summary>The float32 values themselves, not a copy (for a result: until its collection is disposed).</summary>
    public Span<float> Floats
    {
        get
        {
            if (_owner is { IsDisposed: true }) throw new ObjectDisposedException(nameof(RunResults), $"result '{Name}' was released with its collection");
            return _tensor is null ? _floats.Span : _tensor.AsSpan<float>();
        }
    }

    /// <summary>A new tensor holding a copy of the values: the caller's, unaffected by disposing a result collection.</summary>
    public Tensor ToTensor() => _tensor is not null && _owner is null
        ? new Tensor(Shape, DataType, (Array)_tensor.Data.Clone())
        : Tensor.FromFloats(Shape, Floats.ToArray());

    /// <summary>The bytes as the device holds them.</summary>
    internal Span<byte> Bytes => _tensor is null ? MemoryMarshal.AsBytes(Floats) : _tensor.Data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        sbyte[] s => MemoryMarshal.AsBytes(s.AsSpan()),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
        _ => throw new GpuEngineException($"tensor '{Name}' of {_tensor.Data.GetType().Name} cannot be copied to a device"),
    };

    public override string ToString() => $"{Name}: {DataType.Name()} {Shape}";
}
