using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Passes;

namespace GpuEngine.Quantization;

/// <summary>Which activation layout an int8 session's tensor-core convs run in (<see cref="Execution.SessionOptions.Int8Layout"/>).</summary>
public enum Int8Layout
{
    /// <summary>NHWC regions where the device has int8 tensor cores (cuda sm_80+), NCHW everywhere else.</summary>
    Auto,

    /// <summary>NCHW everywhere (the engine's layout): no layout pass.</summary>
    Nchw,

    /// <summary>The layout pass on any device (ilgpu-cpu runs it through the mma emulation; cpu and opencl cannot run the kernel).</summary>
    Nhwc,
}

/// <summary>
/// An int8 layout conversion inserted by <see cref="Int8LayoutPass"/>: NCHW to plain NHWC (<paramref name="ToNhwc"/>) or
/// back. Same shape (the NCHW dims name the tensor either way) and the same bytes; no parameters.
/// </summary>
public sealed record Int8LayoutOp(bool ToNhwc) : Op
{
    /// <inheritdoc/>
    public override string TypeName => ToNhwc ? "Int8NchwToNhwc" : "Int8NhwcToNchw";

    /// <inheritdoc/>
    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        RequireRank(node, inputs[0], 4, "NCHW");
        return inputs[0];
    }
}

/// <summary>
/// The int8 layout pass, for devices whose fixed int8 conv is the tensor-core kernel: finds maximal regions of int8
/// activations whose producers and consumers all take plain NHWC — tensor-core convs (at least
/// <see cref="Execution.Tactics.TensorCoreCandidates.MinimumRowsPerGroup"/> output channels per group; depthwise convs
/// stay NCHW) and the residual Add (a plain elementwise launch with per-tensor scales) — and inserts one
/// <see cref="Int8LayoutOp"/> to NHWC at each tensor entering a region and one back at each tensor leaving it (once per
/// tensor, however many readers). Everything else (pools, Linear, Flatten, graph outputs) stays NCHW. A region of one
/// node is left NCHW (two conversions for one conv do not pay), and an Add none of whose inputs comes from a region
/// joins none. The result is an ordinary graph: the planner plans the conversions' outputs like any int8 tensor (same bytes).
/// </summary>
public static class Int8LayoutPass
{
    /// <summary>The NHWC copy of NCHW tensor <paramref name="tensor"/> at a region's entry.</summary>
    public static string NhwcName(string tensor) => tensor + ".nhwc";

    /// <summary>The NCHW copy of NHWC tensor <paramref name="tensor"/> at a region's exit.</summary>
    public static string NchwName(string tensor) => tensor + ".nchw";

    /// <summary>The graph with its NHWC regions and their conversions; the graph itself where no region pays.</summary>
    public static Graph Apply(Graph graph)
    {
        var nhwc = Regions(graph);
        if (nhwc.Count == 0) return graph;
        var rewrite = new GraphRewrite(graph);
        var converted = new HashSet<string>();
        bool InRegion(string tensor) => graph.Producer(tensor) is { } p && nhwc.Contains(p);
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            bool inside = nhwc.Contains(node);
            var inputs = new List<string>();
            foreach (var tensor in node.Inputs)
            {
                if (InRegion(tensor) == inside)
                {
                    inputs.Add(tensor);
                    continue;
                }
                // Entering a region (inside) or leaving one: one conversion per tensor, placed before its first such reader.
                string copy = inside ? NhwcName(tensor) : NchwName(tensor);
                if (converted.Add(copy))
                {
                    var layers = inside ? node.Layers : graph.Producer(tensor)!.Layers;
                    rewrite.Emit(new Node(copy, new Int8LayoutOp(inside), [tensor], copy, IsModule: false, Covers: layers), i, i);
                }
                inputs.Add(copy);
            }
            rewrite.Emit(node with { Inputs = inputs }, i, i);
        }
        return rewrite.Build();
    }

    /// <summary>
    /// The tensors of a graph after the pass that hold NHWC bytes: the to-NHWC conversions' outputs, and the outputs of the
    /// nodes that read them (a region's nodes read NHWC only and write NHWC).
    /// </summary>
    public static HashSet<string> NhwcTensors(Graph graph)
    {
        var result = new HashSet<string>();
        foreach (var node in graph.Nodes)
        {
            if (node.Op is Int8LayoutOp { ToNhwc: true } || (node.Op is not Int8LayoutOp && node.Inputs.Count > 0 && result.Contains(node.Inputs[0])))
                result.Add(node.Output);
        }
        return result;
    }

    /// <summary>Whether <paramref name="node"/> has an NHWC form the session launches (before any pruning).</summary>
    public static bool Accepts(Graph graph, Node node)
    {
        if (graph.Outputs.Contains(node.Output) || graph.OutputShape(node).Rank != 4) return false;
        return node.Op switch
        {
            Conv2d conv => conv.OutChannels / conv.Groups >= Execution.Tactics.TensorCoreCandidates.MinimumRowsPerGroup,
            Add => node.Inputs.All(t => graph.Tensor(t).Shape == graph.OutputShape(node)),
            _ => false,
        };
    }

    /// <summary>The nodes that run NHWC: the acceptors, pruned until every Add has a region input and no region is a single node.</summary>
    private static HashSet<Node> Regions(Graph graph)
    {
        var nhwc = graph.Nodes.Where(n => Accepts(graph, n)).ToHashSet();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var add in nhwc.Where(n => n.Op is Add && !n.Inputs.Any(t => graph.Producer(t) is { } p && nhwc.Contains(p))).ToList())
                changed |= nhwc.Remove(add);
            foreach (var region in Components(graph, nhwc).Where(r => r.Count < 2))
                foreach (var lone in region) changed |= nhwc.Remove(lone);
        }
        return nhwc;
    }

    /// <summary>Connected components of <paramref name="nodes"/>, joined wherever one of them reads another's output.</summary>
    private static List<List<Node>> Components(Graph graph, HashSet<Node> nodes)
    {
        var seen = new HashSet<Node>();
        var result = new List<List<Node>>();
        foreach (var start in graph.Nodes.Where(nodes.Contains))
        {
            if (!seen.Add(start)) continue;
            var component = new List<Node>();
            var stack = new Stack<Node>([start]);
            while (stack.TryPop(out var node))
            {
                component.Add(node);
                var neighbours = node.Inputs.Select(graph.Producer).Concat(graph.Consumers(node.Output));
                foreach (var next in neighbours)
                    if (next is not null && nodes.Contains(next) && seen.Add(next)) stack.Push(next);
            }
            result.Add(component);
        }
        return result;
    }
}
