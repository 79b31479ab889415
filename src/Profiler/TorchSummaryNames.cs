using GpuEngine.Ir;

namespace GpuEngine.Profiling;

/// <summary>
/// Reproduces torchsummary's layer names ("Conv2d-1", "RepVGGBlock-3"): every module except
/// containers like Sequential is numbered when its forward returns, so a block is numbered after its layers.
/// Functional steps (torch.flatten, x + y) are not modules and get no number.
/// </summary>
public static class TorchSummaryNames
{
    public static IReadOnlyDictionary<string, string> For(Graph graph)
    {
        var names = new Dictionary<string, string>();
        // Scopes ending at each node, innermost (latest to open) first.
        var scopesEndingAt = graph.Scopes.ToLookup(s => s.LastNode);
        int counter = 0;
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            if (node.IsModule) names[node.Name] = $"{node.Op.TypeName}-{++counter}";
            foreach (var scope in scopesEndingAt[i].OrderByDescending(s => s.FirstNode))
                names[scope.Name] = $"{scope.TypeName}-{++counter}";
        }
        return names;
    }
}
