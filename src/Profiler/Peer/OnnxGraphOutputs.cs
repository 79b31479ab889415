using GpuEngine.Loading.Onnx.Proto;

namespace GpuEngine.Profiling.Peer;

/// <summary>Makes ONNX Runtime return intermediate tensors, as Polygraphy's <c>--onnx-outputs mark all</c> does.</summary>
public static class OnnxGraphOutputs
{
    /// <summary>
    /// A copy of <paramref name="model"/> whose graph outputs are its own plus every node output, in node order.
    /// They carry no type: ONNX Runtime infers it, and an intermediate marked as output is no longer fused away.
    /// </summary>
    public static ModelProto MarkAll(ModelProto model)
    {
        var copy = model.Clone();
        var graph = copy.Graph;
        var known = graph.Output.Select(o => o.Name).ToHashSet();
        foreach (var init in graph.Initializer) known.Add(init.Name);
        foreach (var node in graph.Node)
        {
            if (node.OpType == "Constant") continue;
            foreach (var output in node.Output)
            {
                if (output.Length > 0 && known.Add(output)) graph.Output.Add(new ValueInfoProto { Name = output });
            }
        }
        return copy;
    }

    /// <summary>Node outputs of <paramref name="model"/> in node order (the order ONNX Runtime computes them in a sequential run).</summary>
    public static IReadOnlyList<string> NodeOutputs(ModelProto model) =>
        [.. model.Graph.Node.Where(n => n.OpType != "Constant").SelectMany(n => n.Output).Where(o => o.Length > 0)];
}
