using GpuEngine.Ir;

namespace GpuEngine.Passes;

/// <summary>
/// The bookkeeping every pass shares: emits replacement nodes in order, renames tensors that disappear,
/// carries weights (dropping the ones no node uses) and maps module scopes onto the new node list.
/// </summary>
internal sealed class GraphRewrite(Ir.Graph source)
{
    private readonly List<(Node Node, int FirstSource, int LastSource)> _emitted = [];
    private readonly Dictionary<string, string> _renamed = [];
    private readonly Dictionary<string, Tensor> _weights = new(source.Weights);

    public Ir.Graph Source { get; } = source;

    /// <summary>True when the source graph carries weight data (passes then compute new weights too).</summary>
    public bool HasWeights => Source.Weights.Count > 0;

    /// <summary>Emits <paramref name="node"/> for source nodes <paramref name="first"/>..<paramref name="last"/>, with its inputs renamed.</summary>
    public void Emit(Node node, int first, int last) =>
        _emitted.Add((node with { Inputs = [.. node.Inputs.Select(Resolve)] }, first, last));

    public void Keep(int index) => Emit(Source.Nodes[index], index, index);

    /// <summary>Later readers of <paramref name="from"/> read <paramref name="to"/> instead.</summary>
    public void Rename(string from, string to) => _renamed[from] = to;

    public void SetWeight(string name, Tensor tensor) => _weights[name] = tensor;

    public Tensor Weight(string name) => Source.Weight(name);

    public Ir.Graph Build()
    {
        var b = new GraphBuilder(Source.Name);
        foreach (var input in Source.Inputs) b.Input(input.Name, input.Shape, input.DataType);
        foreach (var (node, _, _) in _emitted) b.Add(node);
        foreach (var scope in Source.Scopes)
        {
            var inside = _emitted.Select((e, i) => (e, i)).Where(x => x.e.FirstSource >= scope.FirstNode && x.e.LastSource <= scope.LastNode).ToList();
            if (inside.Count > 0) b.AddScope(scope with { FirstNode = inside[0].i, LastNode = inside[^1].i });
        }
        foreach (var output in Source.Outputs) b.Output(Resolve(output));
        var graph = b.Build();
        return HasWeights
            ? graph.WithWeights(_weights.Where(w => graph.Parameters.ContainsKey(w.Key)).ToDictionary())
            : graph;
    }

    private string Resolve(string tensor)
    {
        while (_renamed.TryGetValue(tensor, out var next)) tensor = next;
        return tensor;
    }

    /// <summary>The single node reading <paramref name="tensor"/>, or null when it has several readers or is a graph output.</summary>
    public int? SoleConsumer(string tensor)
    {
        var readers = Source.Consumers(tensor);
        if (readers.Count != 1 || Source.Outputs.Contains(tensor)) return null;
        return IndexOf(readers[0]);
    }

    public int IndexOf(Node node)
    {
        for (int i = 0; i < Source.Nodes.Count; i++) if (ReferenceEquals(Source.Nodes[i], node)) return i;
        return -1;
    }
}
