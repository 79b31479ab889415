using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Tests.Profiling;

/// <summary>
/// docs/conventions.md's parameter, FLOP and MAC table ("FLOPs and MACs") written again in the test, op by op from the
/// op's own fields and the layer's shapes, sharing no code with src/Profiler/Costs: the independent reference for
/// whole-model profile totals (issue 12 item 7; a re-sum of the report's rows would compare it with itself).
/// </summary>
internal static class ConventionFormulas
{
    public readonly record struct Counts(long Params, long Flops, long Macc)
    {
        public static Counts operator +(Counts a, Counts b) => new(a.Params + b.Params, a.Flops + b.Flops, a.Macc + b.Macc);
    }

    /// <summary>The counts of every layer of <paramref name="graph"/> (or of its modules only, without functional steps such as a residual add), summed.</summary>
    public static Counts Total(Ir.Graph graph, bool modulesOnly = false) =>
        graph.Nodes.Where(n => n.IsModule || !modulesOnly).Aggregate(default(Counts), (sum, node) => sum + Layer(graph, node));

    public static Counts Layer(Ir.Graph graph, Node node)
    {
        long output = graph.OutputShape(node).Elements;
        switch (node.Op)
        {
            case Conv2d c:
                long k = (long)c.InChannels / c.Groups * c.Kernel.H * c.Kernel.W;
                return Weighted(c.OutChannels * k, c.OutChannels, c.HasBias, k, output, c.Fused);
            case Linear l:
                return Weighted((long)l.InFeatures * l.OutFeatures, l.OutFeatures, l.HasBias, l.InFeatures, output, l.Fused);
            case BatchNorm2d b:
                return new(2L * b.Channels, 4 * output, 2 * output);
            case Relu or Relu6:
                return new(0, output, output);
            case Add a:
                return new(0, output + (a.Fused == Activation.None ? 0 : output), output);
            case MaxPool2d m:
                return new(0, (m.Kernel.H * m.Kernel.W - 1) * output, m.Kernel.H * m.Kernel.W * output);
            case AdaptiveAvgPool2d p:
                var x = graph.InputShape(node);
                long windows = 0, taps = 0;
                for (int i = 0; i < p.OutputSize.H; i++)
                    for (int j = 0; j < p.OutputSize.W; j++)
                    {
                        long window = Bin(i, x[2], p.OutputSize.H) * Bin(j, x[3], p.OutputSize.W);
                        windows += 2 * window - 1;
                        taps += window;
                    }
                long planes = (long)x[0] * x[1];
                return new(0, planes * windows, planes * taps);
            case Flatten or Dropout:
                return default;
            default:
                throw new NotSupportedException($"no convention written in the test for {node.Op.TypeName} '{node.Name}'");
        }
    }

    /// <summary>Conv2d and Linear: K multiplies and K−1 adds an output, one more add with a bias; a fused activation adds one op.</summary>
    private static Counts Weighted(long weights, long channels, bool bias, long k, long output, Activation fused) => new(
        weights + (bias ? channels : 0),
        (bias ? 2 * k : 2 * k - 1) * output + (fused == Activation.None ? 0 : output),
        k * output + (bias ? output : 0));

    /// <summary>PyTorch's adaptive bin: rows floor(i·n/out) to ceil((i+1)·n/out).</summary>
    private static long Bin(int i, int n, int outSize) => (long)Math.Ceiling((double)(i + 1) * n / outSize) - (long)Math.Floor((double)i * n / outSize);
}
