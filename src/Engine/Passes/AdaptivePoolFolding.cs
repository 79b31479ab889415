using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Passes;

/// <summary>
/// Folds AdaptiveAvgPool2d -> Flatten -> Linear (VGG's avgpool, flatten, classifier.0) into the Linear. Pooling and
/// flattening are linear maps, so Linear(flatten(pool(x))) = flatten(x) (W P)^T + b, where P averages each output bin
/// (bin i spans rows [floor(i H / oh), ceil((i + 1) H / oh))); the pool node goes, the Flatten reads the feature map
/// itself and the Linear takes C*H*W features with weight W' = W P (computed in float64). Exact, whatever the bins:
/// it is how the ONNX exporter writes pools whose bins are no fixed window (VGG below 224: a 2x2 map to 7x7).
/// </summary>
public static class AdaptivePoolFolding
{
    /// <summary>Folds every non-global pool of the pattern for which <paramref name="fold"/> (given the pool and its input shape) says so; default all.</summary>
    public static Ir.Graph Apply(Ir.Graph graph, Func<AdaptiveAvgPool2d, TensorShape, bool>? fold = null)
    {
        var rewrite = new GraphRewrite(graph);
        var foldedInto = new Dictionary<int, int>(); // Linear index -> pool index
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            if (foldedInto.TryGetValue(i, out int poolIndex))
            {
                EmitFoldedLinear(rewrite, poolIndex, i);
                continue;
            }
            if (node.Op is AdaptiveAvgPool2d { IsGlobal: false } pool && (fold?.Invoke(pool, graph.InputShape(node)) ?? true)
                && rewrite.SoleConsumer(node.Output) is int f && graph.Nodes[f].Op is Flatten { StartDim: 1 }
                && rewrite.SoleConsumer(graph.Nodes[f].Output) is int l && graph.Nodes[l].Op is Linear)
            {
                // The pool disappears: the Flatten reads its input, and the Linear (emitted at its own place) absorbs it.
                rewrite.Rename(node.Output, node.Inputs[0]);
                foldedInto[l] = i;
                continue;
            }
            rewrite.Keep(i);
        }
        return rewrite.Build();
    }

    private static void EmitFoldedLinear(GraphRewrite rewrite, int poolIndex, int linearIndex)
    {
        var graph = rewrite.Source;
        var poolNode = graph.Nodes[poolIndex];
        var linearNode = graph.Nodes[linearIndex];
        var x = graph.InputShape(poolNode);
        var linear = (Linear)linearNode.Op;
        var folded = linear with { InFeatures = x.C * x.H * x.W };
        rewrite.Emit(linearNode with { Op = folded, Covers = [.. poolNode.Layers, .. linearNode.Layers] }, poolIndex, linearIndex);
        if (rewrite.HasWeights)
        {
            var pool = (AdaptiveAvgPool2d)poolNode.Op;
            string name = linearNode.ParameterName("weight");
            rewrite.SetWeight(name, Tensor.FromFloats(new TensorShape(folded.OutFeatures, folded.InFeatures),
                FoldWeight(rewrite.Weight(name).Floats, linear.OutFeatures, x, pool.OutputSize)));
        }
    }

    /// <summary>W P: each pooled feature's weight spread evenly over the input positions of its bin (rows, then columns).</summary>
    internal static float[] FoldWeight(float[] weight, int outFeatures, TensorShape x, Size2 bins)
    {
        int rows = x.H, cols = x.W, pooled = bins.H * bins.W, inPlane = rows * cols;
        var result = new float[outFeatures * x.C * inPlane];
        var byRow = new double[bins.W * rows]; // [bin column j][input row] for one (o, c)
        var plane = new double[inPlane];
        for (int o = 0; o < outFeatures; o++)
        for (int c = 0; c < x.C; c++)
        {
            int w0 = (o * x.C + c) * pooled;
            Array.Clear(byRow);
            for (int i = 0; i < bins.H; i++)
            {
                var (start, end) = AdaptiveAvgPool2d.Window(i, rows, bins.H);
                for (int j = 0; j < bins.W; j++)
                for (int h = start; h < end; h++) byRow[j * rows + h] += weight[w0 + i * bins.W + j] / (double)(end - start);
            }
            Array.Clear(plane);
            for (int j = 0; j < bins.W; j++)
            {
                var (start, end) = AdaptiveAvgPool2d.Window(j, cols, bins.W);
                for (int h = 0; h < rows; h++)
                for (int w = start; w < end; w++) plane[h * cols + w] += byRow[j * rows + h] / (end - start);
            }
            int r0 = (o * x.C + c) * inPlane;
            for (int k = 0; k < inPlane; k++) result[r0 + k] = (float)plane[k];
        }
        return result;
    }
}
