using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Quantization;

namespace GpuEngine.Diagnostics;

/// <summary>
/// The int8 reference of <c>check --device cpu</c>: runs a <see cref="QuantizedModel"/> over its execution graph with plain
/// integer loops (64-bit accumulators, the requantization written out from gemmlowp's definition), sharing no code with
/// the kernels, launchers or <c>Int8Math</c>. What the kernels must equal bit for bit: the input Quantize (x · (1/scale) in
/// float32, round half to even, saturate), int32 sums, requantization (round(acc · m / 2^31) ties up, then / 2^shift ties
/// away from zero), the clamp of the fused activation, TFLite's add, the rounded int8 mean, and q · scale at the output.
/// </summary>
public static class Int8Reference
{
    /// <summary>The int8 first output and its dequantized floats for <paramref name="input"/>.</summary>
    public static (sbyte[] Int8, float[] Dequantized) Output(Graph exec, QuantizedModel model, float[] input)
    {
        float inverse = 1f / model.Scale(exec.Inputs[0].Name);
        var values = new Dictionary<string, int[]>
        {
            [exec.Inputs[0].Name] = [.. input.Select(v => (int)Math.Clamp(Math.Round(v * inverse, MidpointRounding.ToEven), -128, 127))],
        };
        foreach (var node in exec.Nodes)
        {
            var x = values[node.Inputs[0]];
            var i = exec.InputShape(node);
            var o = exec.OutputShape(node);
            values[node.Output] = node.Op switch
            {
                Flatten or Dropout => x,
                Conv2d c => Conv(c, model.Layer(node), x, i, o),
                Linear l => Conv(Conv2d.Square(l.InFeatures, l.OutFeatures, 1), model.Layer(node), x,
                    new TensorShape(i.N, l.InFeatures, 1, 1), new TensorShape(i.N, l.OutFeatures, 1, 1)),
                Add => AddInt8(model.Layer(node), x, values[node.Inputs[1]]),
                AdaptiveAvgPool2d { IsGlobal: true } => GlobalAverage(model.Layer(node), x, i),
                AdaptiveAvgPool2d => AdaptiveAverage(x, i, o),
                MaxPool2d p => MaxPool(p, x, i, o),
                _ => throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': the int8 reference has no loop for this op"),
            };
        }
        var output = values[exec.Outputs[0]];
        float scale = model.Scale(exec.Outputs[0]);
        return ([.. output.Select(q => (sbyte)q)], [.. output.Select(q => q * scale)]);
    }

    /// <summary>acc · multiplier · 2^-31 · 2^-shift: first rounding half up (gemmlowp's doubling high multiply), then half away from zero.</summary>
    public static long Rescale(long acc, int multiplier, int shift)
    {
        long high = (acc * multiplier + (1L << 30)) >> 31; // arithmetic shift: floor, so this is round half up
        if (shift == 0) return high;
        long magnitude = (Math.Abs(high) + (1L << (shift - 1))) >> shift;
        return high < 0 ? -magnitude : magnitude;
    }

    private static int Requantize(long acc, int multiplier, int shift, int min, int max) => (int)Math.Clamp(Rescale(acc, multiplier, shift), min, max);

    private static int[] Conv(Conv2d c, QuantizedLayer layer, int[] x, TensorShape i, TensorShape o)
    {
        var w = layer.Weight!.AsSpan<sbyte>().ToArray();
        var bias = layer.Bias?.AsSpan<int>().ToArray();
        var y = new int[o.Elements];
        int cinPerGroup = c.InChannels / c.Groups, coutPerGroup = c.OutChannels / c.Groups;
        Parallel.For(0, o.N * o.C, plane =>
        {
            int n = plane / o.C, co = plane % o.C, g = co / coutPerGroup;
            for (int oh = 0; oh < o.H; oh++)
                for (int ow = 0; ow < o.W; ow++)
                {
                    long sum = bias?[co] ?? 0;
                    for (int ci = 0; ci < cinPerGroup; ci++)
                        for (int kh = 0; kh < c.Kernel.H; kh++)
                            for (int kw = 0; kw < c.Kernel.W; kw++)
                            {
                                int ih = oh * c.Stride.H - c.Padding.H + kh * c.Dilation.H, iw = ow * c.Stride.W - c.Padding.W + kw * c.Dilation.W;
                                if (ih < 0 || ih >= i.H || iw < 0 || iw >= i.W) continue;
                                sum += (long)x[(((long)n * i.C + g * cinPerGroup + ci) * i.H + ih) * i.W + iw]
                                    * w[(((long)co * cinPerGroup + ci) * c.Kernel.H + kh) * c.Kernel.W + kw];
                            }
                    y[((long)plane * o.H + oh) * o.W + ow] = Requantize(sum, layer.Multipliers[co], layer.Shifts[co], layer.ClampMin, layer.ClampMax);
                }
        });
        return y;
    }

    /// <summary>TFLite's add: both inputs times 2^20 rescaled to the common scale, summed, requantized to the output's.</summary>
    private static int[] AddInt8(QuantizedLayer layer, int[] a, int[] b)
    {
        var (m, s) = (layer.Multipliers, layer.Shifts);
        const long unit = 1L << Kernels.Ops.Int8AddKernels.LeftShift;
        return [.. a.Zip(b, (p, q) => Requantize(Rescale(p * unit, m[0], s[0]) + Rescale(q * unit, m[1], s[1]), m[2], s[2], layer.ClampMin, layer.ClampMax))];
    }

    private static int[] GlobalAverage(QuantizedLayer layer, int[] x, TensorShape i)
    {
        int pixels = i.H * i.W;
        return [.. Enumerable.Range(0, i.N * i.C).Select(plane =>
            Requantize(x.AsSpan(plane * pixels, pixels).ToArray().Sum(v => (long)v), layer.Multipliers[0], layer.Shifts[0], -128, 127))];
    }

    /// <summary>The int8 mean of each adaptive bin, rounded half away from zero (the input's scale is kept).</summary>
    private static int[] AdaptiveAverage(int[] x, TensorShape i, TensorShape o)
    {
        var y = new int[o.Elements];
        for (int plane = 0; plane < o.N * o.C; plane++)
            for (int oh = 0; oh < o.H; oh++)
                for (int ow = 0; ow < o.W; ow++)
                {
                    int h0 = oh * i.H / o.H, h1 = ((oh + 1) * i.H + o.H - 1) / o.H;
                    int w0 = ow * i.W / o.W, w1 = ((ow + 1) * i.W + o.W - 1) / o.W;
                    long sum = 0;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) sum += x[(plane * i.H + ih) * i.W + iw];
                    y[(plane * o.H + oh) * o.W + ow] = (int)Math.Round(sum / (double)((h1 - h0) * (w1 - w0)), MidpointRounding.AwayFromZero);
                }
        return y;
    }

    private static int[] MaxPool(MaxPool2d p, int[] x, TensorShape i, TensorShape o)
    {
        var y = new int[o.Elements];
        for (int plane = 0; plane < o.N * o.C; plane++)
            for (int oh = 0; oh < o.H; oh++)
                for (int ow = 0; ow < o.W; ow++)
                {
                    int best = int.MinValue;
                    for (int kh = 0; kh < p.Kernel.H; kh++)
                        for (int kw = 0; kw < p.Kernel.W; kw++)
                        {
                            int ih = oh * p.Stride.H - p.Padding.H + kh, iw = ow * p.Stride.W - p.Padding.W + kw;
                            if (ih >= 0 && ih < i.H && iw >= 0 && iw < i.W) best = Math.Max(best, x[(plane * i.H + ih) * i.W + iw]);
                        }
                    y[(plane * o.H + oh) * o.W + ow] = best;
                }
        return y;
    }
}
