namespace GpuEngine.Ir;

/// <summary>
/// Builds a <see cref="Graph"/> node by node, inferring each output shape as the node is added,
/// so a shape error names the first node where shapes stop fitting.
/// </summary>
public sealed class GraphBuilder
{
    private readonly string _name;
    private readonly List<TensorInfo> _inputs = [];
    private readonly List<Node> _nodes = [];
    private readonly List<string> _outputs = [];
    private readonly Dictionary<string, TensorInfo> _tensors = [];
    private readonly Dictionary<string, TensorInfo> _parameters = [];
    private readonly List<ModuleScope> _scopes = [];
    private readonly Stack<(string Name, string Type, int First)> _open = new();
    private readonly Dictionary<string, int> _functionalNames = [];

    public GraphBuilder(string name) => _name = name;

    /// <summary>Declares a graph input.</summary>
    public string Input(string name, TensorShape shape, DataType type = DataType.Float32)
    {
        if (_tensors.ContainsKey(name)) throw new GpuEngineException($"graph '{_name}': tensor '{name}' is defined twice");
        var info = new TensorInfo(name, shape, type);
        _inputs.Add(info);
        _tensors[name] = info;
        return name;
    }

    /// <summary>Adds a module node (its output tensor takes the node's name) and returns the output name.</summary>
    public string Add(string name, Op op, params string[] inputs) => Add(new Node(name, op, inputs, name));

    /// <summary>
    /// Adds a functional step (x + y, torch.flatten) named after <paramref name="baseName"/>,
    /// with a suffix _1, _2 ... where the name is taken, and returns the output name.
    /// </summary>
    public string AddFunctional(string baseName, Op op, params string[] inputs)
    {
        var name = baseName;
        if (_functionalNames.TryGetValue(baseName, out var count) || _tensors.ContainsKey(baseName))
        {
            do name = $"{baseName}_{++count}"; while (_tensors.ContainsKey(name));
        }
        _functionalNames[baseName] = count;
        return Add(new Node(name, op, inputs, name, IsModule: false));
    }

    /// <summary>Adds a node with explicit output name (loaders keep the file's tensor names).</summary>
    public string Add(Node node)
    {
        var shapes = new TensorShape[node.Inputs.Count];
        for (int i = 0; i < shapes.Length; i++)
        {
            if (!_tensors.TryGetValue(node.Inputs[i], out var input))
                throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': input tensor '{node.Inputs[i]}' is not defined before it is used");
            if (input.DataType != DataType.Float32 && node.Op is not IAcceptsIntegerInput)
                throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': input '{input.Name}' is {input.DataType.Name()}, expected float32");
            shapes[i] = input.Shape;
        }
        if (_tensors.ContainsKey(node.Output))
            throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': output tensor '{node.Output}' is defined twice");
        var outShape = node.Op.InferShape(node.Name, shapes);
        var outType = node.Op is IHasOutputType typed ? typed.OutputType : DataType.Float32;
        _tensors[node.Output] = new TensorInfo(node.Output, outShape, outType);
        foreach (var p in node.Op.Parameters)
        {
            var pname = node.ParameterName(p.Role);
            _parameters[pname] = new TensorInfo(pname, p.Shape, p.DataType);
        }
        _nodes.Add(node);
        return node.Output;
    }

    /// <summary>Opens a container module (RepVGGBlock, InvertedResidual) that the next nodes belong to.</summary>
    public void BeginScope(string name, string typeName) => _open.Push((name, typeName, _nodes.Count));

    /// <summary>Closes the innermost open container module.</summary>
    public void EndScope()
    {
        var (name, type, first) = _open.Pop();
        _scopes.Add(new ModuleScope(name, type, first, _nodes.Count - 1));
    }

    /// <summary>Adds a finished scope (passes that rebuild a graph keep the source's scopes).</summary>
    public void AddScope(ModuleScope scope) => _scopes.Add(scope);

    /// <summary>Number of nodes added so far.</summary>
    public int Count => _nodes.Count;

    /// <summary>Marks a tensor as a graph output.</summary>
    public void Output(string tensor)
    {
        if (!_tensors.ContainsKey(tensor)) throw new GpuEngineException($"graph '{_name}': output '{tensor}' is not defined");
        _outputs.Add(tensor);
    }

    public Graph Build(IReadOnlyDictionary<string, Tensor>? weights = null)
    {
        if (_open.Count > 0) throw new InvalidOperationException($"module scope '{_open.Peek().Name}' was never closed");
        if (_outputs.Count == 0 && _nodes.Count > 0) _outputs.Add(_nodes[^1].Output);
        var graph = new Graph(_name, [.. _inputs], [.. _nodes], [.. _outputs], new(_tensors), new(_parameters), [.. _scopes],
            new Dictionary<string, Tensor>());
        return weights is null ? graph : graph.WithWeights(weights);
    }
}

/// <summary>Marks ops that read int8 or int32 tensors (quantized kernels).</summary>
public interface IAcceptsIntegerInput;

/// <summary>Ops whose output is not float32 (quantize, int8 conv).</summary>
public interface IHasOutputType
{
    DataType OutputType { get; }
}
