using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Tests.Reference;

/// <summary>
/// The tests' independent reference: runs a graph with plain float64 loops, one obvious loop nest per op,
/// written from PyTorch's definitions and sharing no code with the engine's kernels or passes.
/// </summary>
internal static class ReferenceInterpreter
{
    /// <summary>Every tensor's values after running the graph on <paramref name="input"/> (the first graph input).</summary>
    public static Dictionary<string, double[]> Run(Ir.Graph graph, double[] input)
    {
        var values = new Dictionary<string, double[]> { [graph.Inputs[0].Name] = input };
        foreach (var node in graph.Nodes)
        {
            var x = values[node.Inputs[0]];
            var inShape = graph.InputShape(node);
            var outShape = graph.OutputShape(node);
            double[] W(string role) => [.. graph.Weight(node.ParameterName(role)).Floats.Select(v => (double)v)];
            values[node.Output] = node.Op switch
            {
                Conv2d c => Activate(Conv(c, x, inShape, outShape, W("weight"), c.HasBias ? W("bias") : null), c.Fused),
                Linear l => Activate(Dense(l, x, inShape, W("weight"), l.HasBias ? W("bias") : null), l.Fused),
                BatchNorm2d bn => BatchNorm(bn, x, inShape, W("weight"), W("bias"), W("running_mean"), W("running_var")),
                Relu => Activate(x, Activation.Relu),
                Relu6 => Activate(x, Activation.Relu6),
                Dropout or Flatten => x,
                Add a => Activate([.. x.Zip(values[node.Inputs[1]], (p, q) => p + q)], a.Fused),
                MaxPool2d p => Pool(x, inShape, outShape, p.Kernel, p.Stride, p.Padding, max: true, countPad: false),
                AvgPool2d p => Pool(x, inShape, outShape, p.Kernel, p.Stride, p.Padding, max: false, countPad: p.CountIncludePad),
                AdaptiveAvgPool2d => AdaptiveAverage(x, inShape, outShape),
                _ => throw new NotSupportedException(node.Op.TypeName),
            };
        }
        return values;
    }

    public static double[] Output(Ir.Graph graph, double[] input) => Run(graph, input)[graph.Outputs[0]];

    private static double[] Conv(Conv2d c, double[] x, TensorShape i, TensorShape o, double[] w, double[]? bias)
    {
        var y = new double[o.Elements];
        int cinPerGroup = c.InChannels / c.Groups, coutPerGroup = c.OutChannels / c.Groups;
        for (int n = 0; n < o.N; n++)
        for (int co = 0; co < o.C; co++)
        for (int oh = 0; oh < o.H; oh++)
        for (int ow = 0; ow < o.W; ow++)
        {
            double sum = bias?[co] ?? 0;
            int g = co / coutPerGroup;
            for (int ci = 0; ci < cinPerGroup; ci++)
            for (int kh = 0; kh < c.Kernel.H; kh++)
            for (int kw = 0; kw < c.Kernel.W; kw++)
            {
                int ih = oh * c.Stride.H - c.Padding.H + kh * c.Dilation.H;
                int iw = ow * c.Stride.W - c.Padding.W + kw * c.Dilation.W;
                if (ih < 0 || ih >= i.H || iw < 0 || iw >= i.W) continue;
                sum += x[((n * i.C + g * cinPerGroup + ci) * i.H + ih) * i.W + iw]
                     * w[((co * cinPerGroup + ci) * c.Kernel.H + kh) * c.Kernel.W + kw];
            }
            y[((n * o.C + co) * o.H + oh) * o.W + ow] = sum;
        }
        return y;
    }

    private static double[] Dense(Linear l, double[] x, TensorShape i, double[] w, double[]? bias)
    {
        var y = new double[i.N * l.OutFeatures];
        for (int n = 0; n < i.N; n++)
        for (int o = 0; o < l.OutFeatures; o++)
        {
            double sum = bias?[o] ?? 0;
            for (int k = 0; k < l.InFeatures; k++) sum += x[n * l.InFeatures + k] * w[o * l.InFeatures + k];
            y[n * l.OutFeatures + o] = sum;
        }
        return y;
    }

    private static double[] BatchNorm(BatchNorm2d bn, double[] x, TensorShape s, double[] gamma, double[] beta, double[] mean, double[] var)
    {
        var y = new double[x.Length];
        int plane = s.H * s.W;
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / plane % s.C;
            y[i] = (x[i] - mean[c]) / Math.Sqrt(var[c] + bn.Epsilon) * gamma[c] + beta[c];
        }
        return y;
    }

    private static double[] Pool(double[] x, TensorShape i, TensorShape o, Size2 k, Size2 s, Size2 p, bool max, bool countPad)
    {
        var y = new double[o.Elements];
        for (int nc = 0; nc < o.N * o.C; nc++)
        for (int oh = 0; oh < o.H; oh++)
        for (int ow = 0; ow < o.W; ow++)
        {
            double acc = max ? double.NegativeInfinity : 0;
            int count = 0;
            for (int kh = 0; kh < k.H; kh++)
            for (int kw = 0; kw < k.W; kw++)
            {
                int ih = oh * s.H - p.H + kh, iw = ow * s.W - p.W + kw;
                bool inside = ih >= 0 && ih < i.H && iw >= 0 && iw < i.W;
                if (inside || (countPad && ih < i.H + p.H && iw < i.W + p.W)) count++;
                if (!inside) continue;
                double v = x[(nc * i.H + ih) * i.W + iw];
                acc = max ? Math.Max(acc, v) : acc + v;
            }
            y[(nc * o.H + oh) * o.W + ow] = max ? acc : acc / count;
        }
        return y;
    }

    private static double[] AdaptiveAverage(double[] x, TensorShape i, TensorShape o)
    {
        var y = new double[o.Elements];
        for (int nc = 0; nc < o.N * o.C; nc++)
        for (int oh = 0; oh < o.H; oh++)
        for (int ow = 0; ow < o.W; ow++)
        {
            int h0 = (int)Math.Floor(oh * (double)i.H / o.H), h1 = (int)Math.Ceiling((oh + 1) * (double)i.H / o.H);
            int w0 = (int)Math.Floor(ow * (double)i.W / o.W), w1 = (int)Math.Ceiling((ow + 1) * (double)i.W / o.W);
            double sum = 0;
            for (int ih = h0; ih < h1; ih++)
            for (int iw = w0; iw < w1; iw++) sum += x[(nc * i.H + ih) * i.W + iw];
            y[(nc * o.H + oh) * o.W + ow] = sum / ((h1 - h0) * (w1 - w0));
        }
        return y;
    }

    private static double[] Activate(double[] x, Activation a) => a switch
    {
        Activation.Relu => [.. x.Select(v => Math.Max(v, 0))],
        Activation.Relu6 => [.. x.Select(v => Math.Min(Math.Max(v, 0), 6))],
        _ => x,
    };
}
