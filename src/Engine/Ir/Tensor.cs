namespace GpuEngine.Ir;

/// <summary>
/// A host tensor with data: weights, inputs and outputs. The data array is owned by the tensor;
/// <see cref="AsSpan{T}"/> exposes it without copying.
/// </summary>
public sealed class Tensor
{
    public Tensor(TensorShape shape, DataType dataType, Array data)
    {
        long expected = shape.Elements;
        if (data.LongLength != expected)
            throw new GpuEngineException($"tensor of shape {shape} needs {expected} elements, got {data.LongLength}");
        var ok = dataType switch
        {
            DataType.Float32 => data is float[],
            DataType.Int8 => data is sbyte[],
            DataType.Int32 => data is int[],
            _ => false,
        };
        if (!ok) throw new GpuEngineException($"tensor of type {dataType.Name()} cannot hold a {data.GetType().Name}");
        Shape = shape;
        DataType = dataType;
        Data = data;
    }

    public TensorShape Shape { get; }
    public DataType DataType { get; }
    public Array Data { get; }
    public long Bytes => Shape.Elements * DataType.Size();

    public static Tensor FromFloats(TensorShape shape, float[] data) => new(shape, DataType.Float32, data);

    public Span<T> AsSpan<T>() where T : unmanaged => Data is T[] typed
        ? typed
        : throw new GpuEngineException($"tensor holds {DataType.Name()}, not {typeof(T).Name}");

    /// <summary>The float32 data array itself (not a copy).</summary>
    public float[] Floats => Data as float[] ?? throw new GpuEngineException($"tensor holds {DataType.Name()}, not float32");
}
