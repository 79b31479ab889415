using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Passes;

/// <summary>
/// RepVGG's structural re-parameterization: every train-time block (3x3 conv+BN, 1x1 conv+BN, optional identity BN,
/// summed, ReLU) becomes its deploy form (one 3x3 conv with bias named <c>&lt;block&gt;.rbr_reparam</c>, ReLU).
/// The 1x1 kernel is padded to 3x3 at its centre and the identity is the 3x3 kernel with a 1 at the centre of
/// each channel's own input (within its group); each branch's BN is folded first, then kernels and biases add up.
/// </summary>
public static class RepVggReparameterization
{
    public static Ir.Graph Apply(Ir.Graph graph)
    {
        var rewrite = new GraphRewrite(graph);
        var blocks = graph.Scopes.Where(s => s.TypeName == "RepVGGBlock").ToDictionary(s => s.FirstNode);
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            if (!blocks.TryGetValue(i, out var block) || !IsTrainBlock(graph, block))
            {
                rewrite.Keep(i);
                continue;
            }
            Reparameterize(rewrite, graph, block);
            i = block.LastNode;
        }
        return rewrite.Build();
    }

    private static bool IsTrainBlock(Ir.Graph graph, ModuleScope block) =>
        graph.Nodes.Skip(block.FirstNode).Take(block.LastNode - block.FirstNode + 1).Any(n => n.Name == $"{block.Name}.rbr_dense.conv");

    private static void Reparameterize(GraphRewrite rewrite, Ir.Graph graph, ModuleScope block)
    {
        var nodes = graph.Nodes.Skip(block.FirstNode).Take(block.LastNode - block.FirstNode + 1).ToDictionary(n => n.Name[(block.Name.Length + 1)..]);
        var dense = nodes["rbr_dense.conv"];
        var denseConv = (Conv2d)dense.Op;
        var relu = nodes["nonlinearity"];
        var conv = denseConv with { HasBias = true, Fused = Activation.None };
        var name = $"{block.Name}.rbr_reparam";
        var covered = nodes.Values.Where(n => n != relu).SelectMany(n => n.Layers).ToList();
        rewrite.Emit(new Node(name, conv, dense.Inputs, name, Covers: covered), block.FirstNode, block.LastNode - 1);
        rewrite.Emit(relu with { Inputs = [name] }, block.LastNode, block.LastNode);
        if (rewrite.HasWeights) EquivalentKernel(rewrite, nodes, conv, name);
    }

    private static void EquivalentKernel(GraphRewrite rewrite, Dictionary<string, Node> nodes, Conv2d conv, string name)
    {
        int cout = conv.OutChannels, cinPerGroup = conv.InChannelsPerGroup;
        var kernel = new double[cout * cinPerGroup * 9];
        var bias = new double[cout];
        AddBranch(rewrite, nodes["rbr_dense.conv"], nodes["rbr_dense.bn"], kernel, bias, 3);
        AddBranch(rewrite, nodes["rbr_1x1.conv"], nodes["rbr_1x1.bn"], kernel, bias, 1);
        if (nodes.TryGetValue("rbr_identity", out var identity))
        {
            var (scale, shift) = BatchNormFolding.Affine(rewrite, identity, (BatchNorm2d)identity.Op);
            for (int c = 0; c < cout; c++)
            {
                kernel[(c * cinPerGroup + c % cinPerGroup) * 9 + 4] += scale[c];
                bias[c] += shift[c];
            }
        }
        rewrite.SetWeight($"{name}.weight", Tensor.FromFloats(conv.WeightShape, [.. kernel.Select(v => (float)v)]));
        rewrite.SetWeight($"{name}.bias", Tensor.FromFloats(new TensorShape(cout), [.. bias.Select(v => (float)v)]));
    }

    /// <summary>Adds a conv+BN branch of kernel size <paramref name="size"/> (3, or 1 placed at the centre) to the 3x3 sums.</summary>
    private static void AddBranch(GraphRewrite rewrite, Node convNode, Node bnNode, double[] kernel, double[] bias, int size)
    {
        var (scale, shift) = BatchNormFolding.Affine(rewrite, bnNode, (BatchNorm2d)bnNode.Op);
        var weight = rewrite.Weight(convNode.ParameterName("weight")).Floats;
        int taps = size * size, outer = weight.Length / taps; // outer = cout * cin/groups
        int perChannel = outer / scale.Length;
        for (int o = 0; o < outer; o++)
        {
            int c = o / perChannel;
            for (int t = 0; t < taps; t++)
            {
                int k3 = size == 3 ? t : 4; // a 1x1 tap sits at the centre of the 3x3 window
                kernel[o * 9 + k3] += weight[o * taps + t] * scale[c];
            }
        }
        for (int c = 0; c < scale.Length; c++) bias[c] += shift[c];
    }
}
