namespace GpuEngine.Tests.Quantization;

/// <summary>
/// The int8 arithmetic written out independently of the engine: plain loops, long accumulators, gemmlowp's two
/// roundings (the doubling high multiply with its nudge, then a power-of-two division rounded half away from zero,
/// here through exact double arithmetic instead of masks). Layers come from <see cref="StatedRule"/>, never from the
/// quantizer under test.
/// </summary>
internal static class IntegerReference
{
    public static int HighMul(int a, int b)
    {
        if (a == int.MinValue && b == int.MinValue) return int.MaxValue;
        long product = (long)a * b;
        long nudged = product + (product >= 0 ? 1L << 30 : 1 - (1L << 30));
        return (int)(nudged / 2147483648L); // C# long division truncates toward zero, as gemmlowp's does
    }

    public static int Rescale(long acc, int multiplier, int shift)
    {
        int high = HighMul((int)acc, multiplier);
        return (int)Math.Round(high / Math.Pow(2, shift), MidpointRounding.AwayFromZero);
    }

    public static sbyte Requant(long acc, int multiplier, int shift, int min, int max) => (sbyte)Math.Clamp(Rescale(acc, multiplier, shift), min, max);

    public static sbyte[] Quantize(float[] x, float scale)
    {
        float inverse = 1f / scale;
        return [.. x.Select(v => (sbyte)Math.Clamp(MathF.Round(v * inverse, MidpointRounding.ToEven), -128, 127))];
    }

    /// <summary>NCHW conv, stride 1, square kernel k with padding p, groups 1.</summary>
    public static sbyte[] Conv(sbyte[] x, int n, int cin, int h, int w, ReferenceLayer layer, int cout, int k, int p)
    {
        var wq = layer.Weight;
        var bias = layer.Bias;
        var y = new sbyte[n * cout * h * w];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < cout; o++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                    {
                        long acc = bias[o];
                        for (int c = 0; c < cin; c++)
                            for (int u = 0; u < k; u++)
                                for (int v = 0; v < k; v++)
                                {
                                    int yy = i + u - p, xx = j + v - p;
                                    if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                                    acc += x[((b * cin + c) * h + yy) * w + xx] * (long)wq[((o * cin + c) * k + u) * k + v];
                                }
                        y[((b * cout + o) * h + i) * w + j] = Requant(acc, layer.Multipliers[o], layer.Shifts[o], layer.ClampMin, layer.ClampMax);
                    }
        return y;
    }

    public static sbyte[] GlobalAvgPool(sbyte[] x, int planes, int pixels, ReferenceLayer layer)
    {
        var y = new sbyte[planes];
        for (int q = 0; q < planes; q++)
        {
            long sum = 0;
            for (int i = 0; i < pixels; i++) sum += x[q * pixels + i];
            y[q] = Requant(sum, layer.Multipliers[0], layer.Shifts[0], -128, 127);
        }
        return y;
    }

    public static sbyte[] Linear(sbyte[] x, int n, int inFeatures, int outFeatures, ReferenceLayer layer)
    {
        var wq = layer.Weight;
        var bias = layer.Bias;
        var y = new sbyte[n * outFeatures];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < outFeatures; o++)
            {
                long acc = bias[o];
                for (int i = 0; i < inFeatures; i++) acc += x[b * inFeatures + i] * (long)wq[o * inFeatures + i];
                y[b * outFeatures + o] = Requant(acc, layer.Multipliers[o], layer.Shifts[o], layer.ClampMin, layer.ClampMax);
            }
        return y;
    }

    /// <summary>
    /// TFLite's quantized add: each input times 2^20 (TFLite's left shift), rescaled by its multiplier (scale_x / (2·max scale)),
    /// summed, and the sum rescaled to the output ([a, b, output] multipliers of the layer) and clamped.
    /// </summary>
    public static sbyte[] Add(sbyte[] a, sbyte[] b, ReferenceLayer layer)
    {
        var (m, s) = (layer.Multipliers, layer.Shifts);
        return [.. a.Select((v, i) => Requant((long)Rescale(v * (1L << 20), m[0], s[0]) + Rescale(b[i] * (1L << 20), m[1], s[1]),
            m[2], s[2], layer.ClampMin, layer.ClampMax))];
    }

    /// <summary>Max over k × k windows at <paramref name="stride"/>, <paramref name="pad"/> on each side; padding never wins.</summary>
    public static sbyte[] MaxPool(sbyte[] x, int planes, int h, int w, int k, int stride, int pad)
    {
        int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
        var y = new sbyte[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int best = int.MinValue;
                    for (int u = 0; u < k; u++)
                        for (int v = 0; v < k; v++)
                        {
                            int r = i * stride - pad + u, c = j * stride - pad + v;
                            if (r >= 0 && r < h && c >= 0 && c < w) best = Math.Max(best, x[(p * h + r) * w + c]);
                        }
                    y[(p * oh + i) * ow + j] = (sbyte)best;
                }
        return y;
    }

    /// <summary>Adaptive average pool at the input's scale: each bin [floor(i·H/oh), ceil((i+1)·H/oh)) averaged in float64, rounded half away from zero.</summary>
    public static sbyte[] AdaptiveAvgPool(sbyte[] x, int planes, int h, int w, int oh, int ow)
    {
        var y = new sbyte[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int y0 = (int)Math.Floor((double)i * h / oh), y1 = (int)Math.Ceiling((double)(i + 1) * h / oh);
                    int x0 = (int)Math.Floor((double)j * w / ow), x1 = (int)Math.Ceiling((double)(j + 1) * w / ow);
                    double sum = 0;
                    for (int r = y0; r < y1; r++)
                        for (int c = x0; c < x1; c++) sum += x[(p * h + r) * w + c];
                    y[(p * oh + i) * ow + j] = (sbyte)Math.Round(sum / ((y1 - y0) * (x1 - x0)), MidpointRounding.AwayFromZero);
                }
        return y;
    }
}
