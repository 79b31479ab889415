using System.Globalization;
using GpuEngine.Ir;
using GpuEngine.Loading.Onnx.Proto;

namespace GpuEngine.Loading.Onnx;

/// <summary>
/// Turns an ONNX graph into an engine <see cref="Graph"/>: one engine node per compute node, the file's tensor
/// names kept, initializers attached as weights under <c>&lt;node&gt;.&lt;role&gt;</c> (the node named after its
/// weight's initializer where that ends in <c>.weight</c>, as PyTorch exports write them, so zoo names come back).
/// Constant, Identity and the constant inputs of Clip, Reshape and Dropout are folded away, and so is shape
/// arithmetic on constants (<see cref="ConstantFolding"/>: Shape, Gather, Unsqueeze, Concat, Slice, Cast, ...).
/// </summary>
internal sealed partial class OnnxImporter
{
    /// <summary>Op types the importer understands; anything else is an error naming the node, op type and opset.</summary>
    public static readonly string[] SupportedOps =
    [
        "Conv", "BatchNormalization", "Relu", "Clip", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten",
        "Reshape", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Max", "Sigmoid", "HardSigmoid", "HardSwish", "LeakyRelu",
        "Softmax", "Concat", "Transpose", "Pad", "ConstantOfShape", "Dropout", "Identity", "Constant",
    ];

    /// <summary>The opsets whose forms of the supported ops the importer reads (attribute forms before 10/11/13, input forms after).</summary>
    public const long MinOpset = 7, MaxOpset = 21;

    private readonly string _file;
    private readonly long _opset;
    private readonly GraphBuilder _builder;
    private readonly Dictionary<string, TensorProto> _constants = [];
    private readonly Dictionary<string, string> _aliases = [];
    private readonly Dictionary<string, Tensor> _weights = [];
    private readonly HashSet<string> _nodeNames = [];
    private readonly HashSet<NodeProto> _folded = [];
    private readonly Dictionary<string, List<NodeProto>> _consumers = [];
    private readonly Dictionary<string, TensorShape> _shapes = [];

    private OnnxImporter(ModelProto model, string file)
    {
        _file = file;
        var opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        _opset = opset?.Version ?? 0;
        if (_opset <= 0) throw Error("declares no opset for the default ONNX domain");
        if (_opset is < MinOpset or > MaxOpset)
            throw Error($"declares opset {_opset}; opsets {MinOpset} to {MaxOpset} of the default ONNX domain are supported");
        _builder = new GraphBuilder(string.IsNullOrEmpty(model.Graph.Name) ? Path.GetFileNameWithoutExtension(file) : model.Graph.Name);
    }

    /// <summary>Imports <paramref name="model"/>; <paramref name="file"/> names it in errors.</summary>
    public static Graph Import(ModelProto model, string file, TensorShape? input)
    {
        try
        {
            return new OnnxImporter(model, file).Run(model, input);
        }
        catch (GpuEngineException e) when (!e.Message.Contains(file, StringComparison.Ordinal))
        {
            // Shape and graph errors from the IR name the node but not the file.
            throw new GpuEngineException($"ONNX file '{file}': {e.Message}", e);
        }
    }

    private Graph Run(ModelProto model, TensorShape? inputShape)
    {
        var g = model.Graph;
        foreach (var init in g.Initializer) _constants[init.Name] = init;
        foreach (var node in g.Node)
        {
            foreach (var i in node.Input)
            {
                if (!_consumers.TryGetValue(i, out var list)) _consumers[i] = list = [];
                list.Add(node);
            }
        }
        bool first = true;
        foreach (var input in g.Input.Where(i => !_constants.ContainsKey(i.Name)))
        {
            _shapes[input.Name] = InputShape(input, first ? inputShape : null);
            _builder.Input(input.Name, _shapes[input.Name]);
            first = false;
        }
        if (first) throw Error("has no graph input that is not an initializer");
        var scopes = new ScopeReplay(model, g, _builder);
        foreach (var node in g.Node)
        {
            if (_folded.Contains(node)) continue;
            ImportNode(node, scopes);
        }
        foreach (var output in g.Output) _builder.Output(Resolve(output.Name));
        scopes.Finish();
        return _builder.Build(_weights);
    }

    private TensorShape InputShape(ValueInfoProto input, TensorShape? given)
    {
        var type = input.Type?.TensorType;
        if (type is null) throw Error($"input '{input.Name}' is not a tensor");
        if (type.ElemType != (int)TensorProto.Types.DataType.Float)
            throw Error($"input '{input.Name}' has element type {OnnxTensors.TypeName(type.ElemType)}; float32 inputs are supported");
        var dims = type.Shape?.Dim ?? [];
        if (given is { } shape)
        {
            if (type.Shape is not null && dims.Count != shape.Rank)
                throw Error($"input '{input.Name}' has rank {dims.Count}, but the given input shape {shape} has rank {shape.Rank}");
            return shape;
        }
        if (type.Shape is null) throw Error($"input '{input.Name}' has no shape; give one (--input 1x3x224x224)");
        var result = new int[dims.Count];
        for (int i = 0; i < dims.Count; i++)
        {
            var d = dims[i];
            if (d.HasDimValue && d.DimValue is > 0 and <= int.MaxValue) result[i] = (int)d.DimValue;
            else if (i == 0) result[i] = 1; // a symbolic batch: run batch 1 unless told otherwise
            else throw Error($"input '{input.Name}' has symbolic dimension {i} ('{d.DimParam}'); give the input shape (--input)");
        }
        return new TensorShape(result);
    }

    /// <summary>The activation tensor a name stands for after Identity folding.</summary>
    private string Resolve(string name) => _aliases.TryGetValue(name, out var target) ? target : name;

    /// <summary>Picks the engine node name: the weight's module path, else the ONNX node name, else its output; unique.</summary>
    private string NodeName(NodeProto node, string? weightInitializer)
    {
        string name = weightInitializer is not null && weightInitializer.EndsWith(".weight", StringComparison.Ordinal) && weightInitializer.Length > 7
            ? weightInitializer[..^7]
            : !string.IsNullOrEmpty(node.Name) ? node.Name : node.Output.FirstOrDefault() ?? node.OpType;
        string unique = name;
        for (int k = 1; !_nodeNames.Add(unique); k++) unique = $"{name}_{k}";
        return unique;
    }

    private void AddNode(NodeProto node, string name, Op op, string[] inputs, ScopeReplay scopes, Dictionary<string, Tensor>? weights = null, string? output = null)
    {
        bool functional = node.DocString.Contains(OnnxExporter.FunctionalMark, StringComparison.Ordinal);
        var engineNode = new Ir.Node(name, op, [.. inputs.Select(Resolve)], output ?? OutputOf(node), IsModule: !functional);
        scopes.BeforeNode();
        _builder.Add(engineNode);
        scopes.AfterNode();
        // The builder has checked the inputs; keep the output shape for ops whose import depends on it (Reshape).
        _shapes[engineNode.Output] = op.InferShape(name, [.. engineNode.Inputs.Select(i => _shapes[i])]);
        foreach (var (role, tensor) in weights ?? []) _weights[$"{name}.{role}"] = tensor;
    }

    private string OutputOf(NodeProto node) =>
        node.Output.Count > 0 && node.Output[0].Length > 0 ? node.Output[0] : throw Error($"node '{node.Name}' ({node.OpType}) has no output");

    private GpuEngineException Error(string detail) => new($"ONNX file '{_file}' {detail}");

    private GpuEngineException NodeError(NodeProto node, string detail) =>
        new($"ONNX file '{_file}': {node.OpType} node '{Label(node)}' (opset {_opset.ToString(CultureInfo.InvariantCulture)}) {detail}");

    private static string Label(NodeProto node) => !string.IsNullOrEmpty(node.Name) ? node.Name : node.Output.FirstOrDefault() ?? "?";
}
