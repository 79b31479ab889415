using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Tests.Loading;

using Graph = GpuEngine.Ir.Graph;

/// <summary>
/// A slow, obviously-correct float64 forward pass over a graph with weights, for checking exported models against
/// ONNX Runtime before the executor exists. Supports the ops the ONNX exporter writes (no ceil mode, no fused activations).
/// </summary>
internal static class ReferenceForward
{
    public static Dictionary<string, (TensorShape Shape, double[] Data)> Run(Graph graph, Tensor input)
    {
        var values = new Dictionary<string, (TensorShape, double[])> { [graph.Inputs[0].Name] = (input.Shape, [.. input.Floats.Select(v => (double)v)]) };
        foreach (var node in graph.Nodes)
        {
            var (xs, x) = values[node.Inputs[0]];
            var ys = graph.OutputShape(node);
            values[node.Output] = (ys, node.Op switch
            {
                Conv2d c => Conv(c, xs, x, ys, W(graph, node, "weight"), c.HasBias ? W(graph, node, "bias") : null),
                BatchNorm2d bn => Norm(bn, xs, x, W(graph, node, "weight"), W(graph, node, "bias"), W(graph, node, "running_mean"), W(graph, node, "running_var")),
                Relu => [.. x.Select(v => Math.Max(v, 0))],
                Relu6 => [.. x.Select(v => Math.Clamp(v, 0, 6))],
                Dropout or Flatten => x,
                Add => [.. x.Zip(values[node.Inputs[1]].Item2, (a, b) => a + b)],
                AdaptiveAvgPool2d { IsGlobal: true } => Gap(xs, x),
                MaxPool2d p => Pool(p, xs, x, ys, max: true),
                AvgPool2d p => Pool(p, xs, x, ys, max: false),
                Linear l => Dense(l, xs, x, W(graph, node, "weight"), l.HasBias ? W(graph, node, "bias") : null),
                _ => throw new NotSupportedException(node.Op.TypeName),
            });
        }
        return values;
    }

    private static double[] W(Graph g, Node n, string role) => [.. g.Weight(n.ParameterName(role)).Floats.Select(v => (double)v)];

    private static double[] Conv(Conv2d c, TensorShape xs, double[] x, TensorShape ys, double[] w, double[]? b)
    {
        var y = new double[ys.Elements];
        int cinG = c.InChannelsPerGroup, coutG = c.OutChannels / c.Groups;
        for (int n = 0; n < ys.N; n++)
        for (int co = 0; co < ys.C; co++)
        for (int oh = 0; oh < ys.H; oh++)
        for (int ow = 0; ow < ys.W; ow++)
        {
            double s = b?[co] ?? 0;
            int g = co / coutG;
            for (int ci = 0; ci < cinG; ci++)
            for (int kh = 0; kh < c.Kernel.H; kh++)
            for (int kw = 0; kw < c.Kernel.W; kw++)
            {
                int ih = oh * c.Stride.H - c.Padding.H + kh * c.Dilation.H, iw = ow * c.Stride.W - c.Padding.W + kw * c.Dilation.W;
                if (ih < 0 || iw < 0 || ih >= xs.H || iw >= xs.W) continue;
                s += w[((co * cinG + ci) * c.Kernel.H + kh) * c.Kernel.W + kw] * x[((n * xs.C + g * cinG + ci) * xs.H + ih) * xs.W + iw];
            }
            y[((n * ys.C + co) * ys.H + oh) * ys.W + ow] = s;
        }
        return y;
    }

    private static double[] Norm(BatchNorm2d bn, TensorShape xs, double[] x, double[] g, double[] b, double[] m, double[] v)
    {
        var y = new double[x.Length];
        int hw = xs.H * xs.W;
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / hw % xs.C;
            y[i] = (x[i] - m[c]) / Math.Sqrt(v[c] + bn.Epsilon) * g[c] + b[c];
        }
        return y;
    }

    private static double[] Gap(TensorShape xs, double[] x)
    {
        int hw = xs.H * xs.W;
        return [.. Enumerable.Range(0, xs.N * xs.C).Select(i => x.Skip(i * hw).Take(hw).Average())];
    }

    private static double[] Pool(WindowPool2d p, TensorShape xs, double[] x, TensorShape ys, bool max)
    {
        var y = new double[ys.Elements];
        for (int nc = 0; nc < ys.N * ys.C; nc++)
        for (int oh = 0; oh < ys.H; oh++)
        for (int ow = 0; ow < ys.W; ow++)
        {
            double acc = max ? double.NegativeInfinity : 0;
            int count = 0;
            for (int kh = 0; kh < p.Kernel.H; kh++)
            for (int kw = 0; kw < p.Kernel.W; kw++)
            {
                int ih = oh * p.Stride.H - p.Padding.H + kh, iw = ow * p.Stride.W - p.Padding.W + kw;
                bool inside = ih >= 0 && iw >= 0 && ih < xs.H && iw < xs.W;
                if (inside) acc = max ? Math.Max(acc, x[(nc * xs.H + ih) * xs.W + iw]) : acc + x[(nc * xs.H + ih) * xs.W + iw];
                if (inside || p is AvgPool2d { CountIncludePad: true }) count++;
            }
            y[(nc * ys.H + oh) * ys.W + ow] = max ? acc : acc / count;
        }
        return y;
    }

    private static double[] Dense(Linear l, TensorShape xs, double[] x, double[] w, double[]? b)
    {
        var y = new double[xs.N * l.OutFeatures];
        for (int n = 0; n < xs.N; n++)
        for (int o = 0; o < l.OutFeatures; o++)
        {
            double s = b?[o] ?? 0;
            for (int i = 0; i < l.InFeatures; i++) s += w[o * l.InFeatures + i] * x[n * l.InFeatures + i];
            y[n * l.OutFeatures + o] = s;
        }
        return y;
    }
}
