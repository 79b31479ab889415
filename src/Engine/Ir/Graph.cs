namespace GpuEngine.Ir;

/// <summary>
/// A shape-inferred model graph: nodes in execution order, every activation tensor typed,
/// parameters listed by name. Immutable; passes build a new graph with <see cref="GraphBuilder"/>.
/// </summary>
public sealed class Graph
{
    private readonly Dictionary<string, TensorInfo> _tensors;
    private readonly Dictionary<string, TensorInfo> _parameters;
    private readonly Dictionary<string, Node> _producers;
    private readonly Dictionary<string, List<Node>> _consumers;

    internal Graph(
        string name,
        IReadOnlyList<TensorInfo> inputs,
        IReadOnlyList<Node> nodes,
        IReadOnlyList<string> outputs,
        Dictionary<string, TensorInfo> tensors,
        Dictionary<string, TensorInfo> parameters,
        IReadOnlyList<ModuleScope> scopes,
        IReadOnlyDictionary<string, Tensor> weights)
    {
        Name = name;
        Inputs = inputs;
        Nodes = nodes;
        Outputs = outputs;
        Scopes = scopes;
        Weights = weights;
        _tensors = tensors;
        _parameters = parameters;
        _producers = nodes.ToDictionary(n => n.Output);
        _consumers = [];
        foreach (var node in nodes)
        {
            foreach (var input in node.Inputs)
            {
                if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = [];
                list.Add(node);
            }
        }
    }

    public string Name { get; }
    public IReadOnlyList<TensorInfo> Inputs { get; }
    public IReadOnlyList<Node> Nodes { get; }
    public IReadOnlyList<string> Outputs { get; }
    public IReadOnlyList<ModuleScope> Scopes { get; }

    /// <summary>Weight data by parameter name; empty when the graph carries shapes only.</summary>
    public IReadOnlyDictionary<string, Tensor> Weights { get; }

    /// <summary>Every activation tensor (graph inputs and node outputs) by name.</summary>
    public IReadOnlyDictionary<string, TensorInfo> Tensors => _tensors;

    /// <summary>Every parameter tensor (weights, biases, BatchNorm statistics) by name.</summary>
    public IReadOnlyDictionary<string, TensorInfo> Parameters => _parameters;

    /// <summary>Trainable parameter elements of the whole graph.</summary>
    public long ParameterCount => Nodes.Sum(n => n.Op.ParameterCount);

    public TensorInfo Tensor(string name) => _tensors.TryGetValue(name, out var t)
        ? t
        : throw new GpuEngineException($"graph '{Name}' has no tensor named '{name}'");

    /// <summary>The node that writes <paramref name="tensor"/>, or null for a graph input.</summary>
    public Node? Producer(string tensor) => _producers.GetValueOrDefault(tensor);

    /// <summary>The nodes that read <paramref name="tensor"/>, in execution order.</summary>
    public IReadOnlyList<Node> Consumers(string tensor) => _consumers.TryGetValue(tensor, out var list) ? list : [];

    public TensorShape InputShape(Node node, int index = 0) => Tensor(node.Inputs[index]).Shape;
    public TensorShape OutputShape(Node node) => Tensor(node.Output).Shape;

    /// <summary>The same graph with weight data attached (checked against the parameter shapes).</summary>
    public Graph WithWeights(IReadOnlyDictionary<string, Tensor> weights)
    {
        foreach (var (name, tensor) in weights)
        {
            if (!_parameters.TryGetValue(name, out var info))
                throw new GpuEngineException($"graph '{Name}' has no parameter named '{name}'");
            if (info.Shape != tensor.Shape)
                throw new ShapeMismatchException($"parameter '{name}': graph expects {info.Shape}, weights have {tensor.Shape}");
        }
        return new Graph(Name, Inputs, Nodes, Outputs, _tensors, _parameters, Scopes, weights);
    }

    /// <summary>Data of a parameter, or an error that names the missing parameter.</summary>
    public Tensor Weight(string name) => Weights.TryGetValue(name, out var t)
        ? t
        : throw new GpuEngineException($"graph '{Name}' has no weight data for '{name}'");
}
