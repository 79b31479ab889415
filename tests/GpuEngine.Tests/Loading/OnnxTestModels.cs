using Google.Protobuf;
using GpuEngine.Loading.Onnx.Proto;

namespace GpuEngine.Tests.Loading;

/// <summary>Builds small ONNX models in memory with the generated message classes.</summary>
internal sealed class OnnxTestModel
{
    private readonly GraphProto _graph = new() { Name = "test" };
    private readonly long _opset;
    private int _seed = 1;

    public OnnxTestModel(long opset, params long[] inputShape)
    {
        _opset = opset;
        var shape = new TensorShapeProto();
        foreach (var d in inputShape) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        _graph.Input.Add(new ValueInfoProto
        {
            Name = "x",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } },
        });
    }

    public OnnxTestModel Init(string name, params long[] dims)
    {
        var rng = new Random(_seed++);
        var t = new TensorProto { Name = name, DataType = 1 };
        t.Dims.AddRange(dims);
        long n = dims.Aggregate(1L, (a, b) => a * b);
        for (long i = 0; i < n; i++) t.FloatData.Add((float)(rng.NextDouble() - 0.5));
        _graph.Initializer.Add(t);
        return this;
    }

    public OnnxTestModel Scalar(string name, float value)
    {
        _graph.Initializer.Add(new TensorProto { Name = name, DataType = 1, FloatData = { value } });
        return this;
    }

    public OnnxTestModel Longs(string name, params long[] values)
    {
        _graph.Initializer.Add(new TensorProto { Name = name, DataType = 7, Dims = { values.Length }, Int64Data = { values } });
        return this;
    }

    public OnnxTestModel Node(string op, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = name, Input = { inputs }, Output = { output } };
        n.Attribute.AddRange(attributes);
        _graph.Node.Add(n);
        return this;
    }

    public OnnxTestModel Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto { Name = name });
        return this;
    }

    public ModelProto Model => new()
    {
        IrVersion = 8,
        Graph = _graph,
        OpsetImport = { new OperatorSetIdProto { Domain = "", Version = _opset } },
    };

    public byte[] Bytes => Model.ToByteArray();

    public static AttributeProto Ints(string name, params long[] v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { v } };
    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
    public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };
}
