namespace GpuEngine.Ir;

/// <summary>A named tensor of the graph: its shape and element type. Data, if any, lives elsewhere.</summary>
public sealed record TensorInfo(string Name, TensorShape Shape, DataType DataType = DataType.Float32)
{
    public long Bytes => Shape.Elements * DataType.Size();
}
