using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Passes;

/// <summary>
/// Folds an inference BatchNorm2d into the Conv2d before it (when the BN is the conv's only reader):
/// w' = w * gamma / sqrt(var + eps) per output channel, b' = (b - mean) * gamma / sqrt(var + eps) + beta.
/// The folded conv keeps the conv's name and covers both layers.
/// </summary>
public static class BatchNormFolding
{
    public static Ir.Graph Apply(Ir.Graph graph)
    {
        var rewrite = new GraphRewrite(graph);
        var folded = new HashSet<int>();
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            if (folded.Contains(i)) continue;
            var node = graph.Nodes[i];
            if (node.Op is Conv2d { Fused: Activation.None } conv && rewrite.SoleConsumer(node.Output) is int j
                && graph.Nodes[j].Op is BatchNorm2d bn)
            {
                var bnNode = graph.Nodes[j];
                rewrite.Emit(node with { Op = conv with { HasBias = true }, Covers = [.. node.Layers, .. bnNode.Layers] }, i, j);
                rewrite.Rename(bnNode.Output, node.Output);
                if (rewrite.HasWeights) Fold(rewrite, node, conv, bnNode, bn);
                folded.Add(j);
                continue;
            }
            rewrite.Keep(i);
        }
        return rewrite.Build();
    }

    private static void Fold(GraphRewrite rewrite, Node convNode, Conv2d conv, Node bnNode, BatchNorm2d bn)
    {
        var (scale, shift) = Affine(rewrite, bnNode, bn);
        var weight = rewrite.Weight(convNode.ParameterName("weight")).Floats;
        var bias = conv.HasBias ? rewrite.Weight(convNode.ParameterName("bias")).Floats : new float[conv.OutChannels];
        int perChannel = weight.Length / conv.OutChannels;
        var newWeight = new float[weight.Length];
        var newBias = new float[conv.OutChannels];
        for (int c = 0; c < conv.OutChannels; c++)
        {
            for (int k = 0; k < perChannel; k++) newWeight[c * perChannel + k] = (float)(weight[c * perChannel + k] * scale[c]);
            newBias[c] = (float)(bias[c] * scale[c] + shift[c]);
        }
        rewrite.SetWeight(convNode.ParameterName("weight"), Tensor.FromFloats(conv.WeightShape, newWeight));
        rewrite.SetWeight(convNode.ParameterName("bias"), Tensor.FromFloats(new TensorShape(conv.OutChannels), newBias));
    }

    /// <summary>A BatchNorm2d as y = scale * x + shift per channel, computed in float64.</summary>
    internal static (double[] Scale, double[] Shift) Affine(GraphRewrite rewrite, Node bnNode, BatchNorm2d bn)
    {
        var gamma = rewrite.Weight(bnNode.ParameterName("weight")).Floats;
        var beta = rewrite.Weight(bnNode.ParameterName("bias")).Floats;
        var mean = rewrite.Weight(bnNode.ParameterName("running_mean")).Floats;
        var variance = rewrite.Weight(bnNode.ParameterName("running_var")).Floats;
        var scale = new double[bn.Channels];
        var shift = new double[bn.Channels];
        for (int c = 0; c < bn.Channels; c++)
        {
            scale[c] = gamma[c] / Math.Sqrt(variance[c] + (double)bn.Epsilon);
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return (scale, shift);
    }
}
