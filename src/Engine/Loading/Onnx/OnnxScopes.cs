using System.Globalization;
using GpuEngine.Ir;
using GpuEngine.Loading.Onnx.Proto;

namespace GpuEngine.Loading.Onnx;

/// <summary>
/// Carries the graph's container modules (RepVGGBlock, InvertedResidual) through ONNX, which has no such notion,
/// in the model's metadata_props: one "first last type name" line per scope. They are restored only for files
/// whose nodes map one to one onto engine nodes (as our exporter writes them), so indices cannot drift.
/// </summary>
internal sealed class ScopeReplay
{
    public const string ScopesKey = "gpuengine.scopes";
    public const string NodesKey = "gpuengine.nodes";

    private readonly GraphBuilder _builder;
    private readonly List<ModuleScope> _pending;
    private readonly Stack<ModuleScope> _open = new();
    private int _index;

    public ScopeReplay(ModelProto model, GraphProto graph, GraphBuilder builder)
    {
        _builder = builder;
        _pending = Read(model, graph) ?? [];
    }

    /// <summary>Writes the graph's scopes for <see cref="ScopeReplay"/> to find again.</summary>
    public static void Write(ModelProto model, Graph graph, int onnxNodes)
    {
        if (graph.Scopes.Count == 0) return;
        model.MetadataProps.Add(new StringStringEntryProto { Key = NodesKey, Value = onnxNodes.ToString(CultureInfo.InvariantCulture) });
        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = ScopesKey,
            Value = string.Join('\n', graph.Scopes.Select(s => $"{s.FirstNode} {s.LastNode} {s.TypeName} {s.Name}")),
        });
    }

    public void BeforeNode()
    {
        // Outer scopes first: same first node, larger span.
        foreach (var s in _pending.Where(s => s.FirstNode == _index).OrderByDescending(s => s.LastNode))
        {
            _builder.BeginScope(s.Name, s.TypeName);
            _open.Push(s);
        }
    }

    public void AfterNode()
    {
        while (_open.Count > 0 && _open.Peek().LastNode == _index)
        {
            _builder.EndScope();
            _open.Pop();
        }
        _index++;
    }

    /// <summary>Closes anything left open (cannot happen for validated scopes; keeps Build safe regardless).</summary>
    public void Finish()
    {
        while (_open.Count > 0)
        {
            _builder.EndScope();
            _open.Pop();
        }
    }

    private static List<ModuleScope>? Read(ModelProto model, GraphProto graph)
    {
        string? nodes = model.MetadataProps.FirstOrDefault(p => p.Key == NodesKey)?.Value;
        string? text = model.MetadataProps.FirstOrDefault(p => p.Key == ScopesKey)?.Value;
        if (nodes is null || text is null || !int.TryParse(nodes, CultureInfo.InvariantCulture, out int count) || count != graph.Node.Count) return null;
        if (graph.Node.Any(n => n.OpType is "Constant" or "Identity" or "MatMul")) return null;
        var scopes = new List<ModuleScope>();
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', 4);
            if (parts.Length != 4 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int first)
                || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int last) || first < 0 || last < first || last >= count) return null;
            scopes.Add(new ModuleScope(parts[3], parts[2], first, last));
        }
        // Scopes must nest (or be disjoint): otherwise the builder's stack would close the wrong one.
        foreach (var a in scopes)
            foreach (var b in scopes)
                if (a.FirstNode < b.FirstNode && b.FirstNode <= a.LastNode && a.LastNode < b.LastNode) return null;
        return scopes;
    }
}
