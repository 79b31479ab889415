using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Diagnostics;

/// <summary>
/// The fp32 reference of <c>check --device cpu</c>: runs a graph as given (train-time form, no passes) with plain float64
/// loops, one obvious loop nest per op from PyTorch's definitions. It shares no code with the kernels, the launchers or
/// the graph passes, so the cpu backend is compared with something other than itself. Output planes are computed in
/// parallel; each value is one sequential sum, so the result does not depend on the thread count.
/// </summary>
public static class Float64Reference
{
    /// <summary>The graph's first output for <paramref name="input"/> (its first input).</summary>
    public static double[] Output(Graph graph, float[] input)
    {
        var values = new Dictionary<string, double[]> { [graph.Inputs[0].Name] = [.. input.Select(v => (double)v)] };
        foreach (var node in graph.Nodes)
        {
            var x = values[node.Inputs[0]];
            var i = graph.InputShape(node);
            var o = graph.OutputShape(node);
            float[] W(string role) => graph.Weight(node.ParameterName(role)).Floats;
            values[node.Output] = node.Op switch
            {
                Conv2d c => Activate(Conv(c, x, i, o, W("weight"), c.HasBias ? W("bias") : null), c.Fused),
                Linear l => Activate(Dense(l, x, i.N, W("weight"), l.HasBias ? W("bias") : null), l.Fused),
                BatchNorm2d bn => Normalize(bn, x, i, W("weight"), W("bias"), W("running_mean"), W("running_var")),
                Relu => Activate(x, Activation.Relu),
                Relu6 => Activate(x, Activation.Relu6),
                Dropout or Flatten or Reshape => x,
                Unary u => [.. x.Select(v => Float64Elementwise.Unary(u, v))],
                Binary b => Float64Elementwise.Binary(b, x, i, b.Constant is null ? values[node.Inputs[1]] : [.. W("constant").Select(v => (double)v)],
                    b.Constant ?? graph.InputShape(node, 1), o),
                Softmax s => Float64Elementwise.Softmax(s, x, i),
                Concat c => Float64DataMovement.Concat(c, [.. c.Operands([.. node.Inputs.Select((_, k) => graph.InputShape(node, k))]).Select(o =>
                    o.Activation >= 0 ? values[node.Inputs[o.Activation]] : [.. W(Concat.ConstantRole(o.Constant)).Select(v => (double)v)])],
                    [.. node.Inputs.Select((_, k) => graph.InputShape(node, k))]),
                Transpose t => Float64DataMovement.Transpose(t, x, i, o),
                Pad p => Float64DataMovement.Pad(p, x, i, o),
                Add a => Activate([.. x.Zip(values[node.Inputs[1]], (p, q) => p + q)], a.Fused),
                MaxPool2d p => Pool(x, i, o, p.Kernel, p.Stride, p.Padding, max: true, countPadding: false),
                AvgPool2d p => Pool(x, i, o, p.Kernel, p.Stride, p.Padding, max: false, countPadding: p.CountIncludePad),
                AdaptiveAvgPool2d => AdaptiveAverage(x, i, o),
                _ => throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': the float64 reference has no loop for this op"),
            };
        }
        return values[graph.Outputs[0]];
    }

    private static double[] Conv(Conv2d c, double[] x, TensorShape i, TensorShape o, float[] w, float[]? bias)
    {
        var y = new double[o.Elements];
        int cinPerGroup = c.InChannels / c.Groups, coutPerGroup = c.OutChannels / c.Groups;
        Parallel.For(0, o.N * o.C, plane =>
        {
            int n = plane / o.C, co = plane % o.C, g = co / coutPerGroup;
            for (int oh = 0; oh < o.H; oh++)
                for (int ow = 0; ow < o.W; ow++)
                {
                    double sum = bias?[co] ?? 0.0;
                    for (int ci = 0; ci < cinPerGroup; ci++)
                        for (int kh = 0; kh < c.Kernel.H; kh++)
                            for (int kw = 0; kw < c.Kernel.W; kw++)
                            {
                                int ih = oh * c.Stride.H - c.Padding.H + kh * c.Dilation.H, iw = ow * c.Stride.W - c.Padding.W + kw * c.Dilation.W;
                                if (ih < 0 || ih >= i.H || iw < 0 || iw >= i.W) continue;
                                sum += x[(((long)n * i.C + g * cinPerGroup + ci) * i.H + ih) * i.W + iw]
                                    * (double)w[(((long)co * cinPerGroup + ci) * c.Kernel.H + kh) * c.Kernel.W + kw];
                            }
                    y[((long)plane * o.H + oh) * o.W + ow] = sum;
                }
        });
        return y;
    }

    private static double[] Dense(Linear l, double[] x, int batch, float[] w, float[]? bias)
    {
        var y = new double[batch * l.OutFeatures];
        Parallel.For(0, batch * l.OutFeatures, index =>
        {
            int n = index / l.OutFeatures, o = index % l.OutFeatures;
            double sum = bias?[o] ?? 0.0;
            for (int k = 0; k < l.InFeatures; k++) sum += x[(long)n * l.InFeatures + k] * (double)w[(long)o * l.InFeatures + k];
            y[index] = sum;
        });
        return y;
    }

    private static double[] Normalize(BatchNorm2d bn, double[] x, TensorShape s, float[] gamma, float[] beta, float[] mean, float[] variance)
    {
        var y = new double[x.Length];
        long plane = (long)s.H * s.W;
        for (long i = 0; i < x.Length; i++)
        {
            int c = (int)(i / plane % s.C);
            y[i] = (x[i] - mean[c]) / Math.Sqrt((double)variance[c] + bn.Epsilon) * gamma[c] + beta[c];
        }
        return y;
    }

    /// <summary>Window pooling; average pooling divides by the positions inside the padded input (with count_include_pad) or the input alone.</summary>
    private static double[] Pool(double[] x, TensorShape i, TensorShape o, Size2 k, Size2 s, Size2 p, bool max, bool countPadding)
    {
        var y = new double[o.Elements];
        Parallel.For(0, o.N * o.C, plane =>
        {
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
                            if (inside || (countPadding && ih < i.H + p.H && iw < i.W + p.W)) count++;
                            if (!inside) continue;
                            double v = x[((long)plane * i.H + ih) * i.W + iw];
                            acc = max ? Math.Max(acc, v) : acc + v;
                        }
                    y[((long)plane * o.H + oh) * o.W + ow] = max ? acc : acc / count;
                }
        });
        return y;
    }

    /// <summary>PyTorch's adaptive bins: rows floor(i·H/outH) up to ceil((i+1)·H/outH), the same for columns.</summary>
    private static double[] AdaptiveAverage(double[] x, TensorShape i, TensorShape o)
    {
        var y = new double[o.Elements];
        Parallel.For(0, o.N * o.C, plane =>
        {
            for (int oh = 0; oh < o.H; oh++)
                for (int ow = 0; ow < o.W; ow++)
                {
                    int h0 = (int)Math.Floor(oh * (double)i.H / o.H), h1 = (int)Math.Ceiling((oh + 1) * (double)i.H / o.H);
                    int w0 = (int)Math.Floor(ow * (double)i.W / o.W), w1 = (int)Math.Ceiling((ow + 1) * (double)i.W / o.W);
                    double sum = 0;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) sum += x[((long)plane * i.H + ih) * i.W + iw];
                    y[((long)plane * o.H + oh) * o.W + ow] = sum / ((h1 - h0) * (w1 - w0));
                }
        });
        return y;
    }

    private static double[] Activate(double[] x, Activation a) => a switch
    {
        Activation.Relu => [.. x.Select(v => Math.Max(v, 0))],
        Activation.Relu6 => [.. x.Select(v => Math.Clamp(v, 0, 6))],
        _ => x,
    };
}
