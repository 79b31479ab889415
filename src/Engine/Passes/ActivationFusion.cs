using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Passes;

/// <summary>
/// Moves a ReLU or ReLU6 into the epilogue of the Conv2d, Linear or Add before it (when it is that op's only
/// reader), so the activation costs no extra pass over memory. The fused node covers both layers.
/// </summary>
public static class ActivationFusion
{
    public static Ir.Graph Apply(Ir.Graph graph)
    {
        var rewrite = new GraphRewrite(graph);
        var fused = new HashSet<int>();
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            if (fused.Contains(i)) continue;
            var node = graph.Nodes[i];
            if (rewrite.SoleConsumer(node.Output) is int j && ActivationOf(graph.Nodes[j].Op) is Activation activation
                && WithEpilogue(node.Op, activation) is Op withEpilogue)
            {
                var activationNode = graph.Nodes[j];
                rewrite.Emit(node with { Op = withEpilogue, Covers = [.. node.Layers, .. activationNode.Layers] }, i, j);
                rewrite.Rename(activationNode.Output, node.Output);
                fused.Add(j);
                continue;
            }
            rewrite.Keep(i);
        }
        return rewrite.Build();
    }

    private static Activation? ActivationOf(Op op) => op switch
    {
        Relu => Activation.Relu,
        Relu6 => Activation.Relu6,
        _ => null,
    };

    private static Op? WithEpilogue(Op op, Activation activation) => op switch
    {
        Conv2d { Fused: Activation.None } c => c with { Fused = activation },
        Linear { Fused: Activation.None } l => l with { Fused = activation },
        Add { Fused: Activation.None } a => a with { Fused = activation },
        _ => null,
    };
}
