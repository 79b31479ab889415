using GpuEngine.Ir;

namespace GpuEngine.Tests.Quantization;

/// <summary>One int8 layer as the integer reference takes it: weights, biases, requantization and clamp.</summary>
internal sealed record ReferenceLayer(sbyte[] Weight, int[] Bias, float[] WeightScales, int[] Multipliers, int[] Shifts, int ClampMin, int ClampMax);

/// <summary>
/// The quantizer's rule as docs/quantization.md ("Scheme") states it, written again from the float weights and the
/// calibrated ranges, with no code shared with GpuEngine.Quantization: symmetric scales (zero point 0) of range / 127
/// kept as float32, weights per output channel rounded half away from zero into [−127, 127], int32 biases at
/// input·weight scale, each real factor as a Q31 multiplier in [2^30, 2^31) and a right shift (found by doubling, not
/// by a logarithm), and an output scale coarsened to 1.0001 × the finest it may be where a factor would reach 1.
/// </summary>
internal static class StatedRule
{
    private const double Headroom = 1.0001;

    /// <summary>range / 127 as float32; 1 for an all-zero tensor.</summary>
    public static float Scale(double range) => range > 0 ? (float)(range / 127) : 1f;

    /// <summary>real = multiplier · 2^-31 · 2^-shift; (0, 0) where the shift would pass 31.</summary>
    public static (int Multiplier, int Shift) Multiplier(double real)
    {
        Assert.InRange(real, 0, 1 - 1e-12);
        if (real == 0) return (0, 0);
        int shift = 0;
        while (real < 0.5) { real *= 2; shift++; } // exact: doubling a double only moves its exponent
        long multiplier = (long)Math.Round(real * 2147483648.0, MidpointRounding.AwayFromZero);
        if (multiplier == 1L << 31) { multiplier >>= 1; shift--; }
        return shift > 31 ? (0, 0) : ((int)multiplier, shift);
    }

    /// <summary>
    /// A Conv2d or Linear with weight laid out [channels, ...]; returns the layer and the output scale the rule gives
    /// (calibrated <paramref name="outputRange"/>, coarsened where input · weight scale would be finer).
    /// </summary>
    public static (ReferenceLayer Layer, float OutputScale) Weighted(float[] weight, float[]? bias, int channels, float inputScale,
        double outputRange, Activation fused = Activation.None)
    {
        int per = weight.Length / channels;
        var scales = new float[channels];
        var q = new sbyte[weight.Length];
        for (int c = 0; c < channels; c++)
        {
            scales[c] = Scale(weight.Skip(c * per).Take(per).Max(v => Math.Abs((double)v)));
            for (int i = c * per; i < (c + 1) * per; i++)
                q[i] = (sbyte)Math.Clamp(Math.Round(weight[i] / (double)scales[c], MidpointRounding.AwayFromZero), -127, 127);
        }
        float output = (float)Math.Max(Scale(outputRange), inputScale * (double)scales.Max() * Headroom);
        var biases = scales.Select((s, c) => bias is null ? 0 : (int)Math.Round(bias[c] / ((double)inputScale * s), MidpointRounding.AwayFromZero)).ToArray();
        var factors = scales.Select(s => Multiplier((double)inputScale * s / output)).ToArray();
        var (lo, hi) = Clamp(fused, output);
        return (new ReferenceLayer(q, biases, scales, [.. factors.Select(f => f.Multiplier)], [.. factors.Select(f => f.Shift)], lo, hi), output);
    }

    /// <summary>Global average pool over <paramref name="pixels"/>: one factor input / (output · pixels).</summary>
    public static (ReferenceLayer Layer, float OutputScale) GlobalPool(float inputScale, int pixels, double outputRange)
    {
        float output = (float)Math.Max(Scale(outputRange), inputScale / (double)pixels * Headroom);
        var (m, s) = Multiplier(inputScale / ((double)output * pixels));
        return (new ReferenceLayer([], [], [], [m], [s], -128, 127), output);
    }

    /// <summary>TFLite's add: with M = 2·max(a, b), factors a / M and b / M onto a grid 2^20 finer than M, then that grid onto the output.</summary>
    public static (ReferenceLayer Layer, float OutputScale) Add(float scaleA, float scaleB, double outputRange, Activation fused = Activation.None)
    {
        double sum = 2.0 * Math.Max(scaleA, scaleB) / (1 << 20);
        float output = (float)Math.Max(Scale(outputRange), sum * Headroom);
        (int M, int S)[] f = [Multiplier(scaleA / 2.0 / Math.Max(scaleA, scaleB)), Multiplier(scaleB / 2.0 / Math.Max(scaleA, scaleB)), Multiplier(sum / output)];
        var (lo, hi) = Clamp(fused, output);
        return (new ReferenceLayer([], [], [], [.. f.Select(x => x.M)], [.. f.Select(x => x.S)], lo, hi), output);
    }

    /// <summary>The fused activation as the int8 clamp: none [−128, 127], ReLU [0, 127], ReLU6 [0, round(6 / scale)].</summary>
    public static (int Min, int Max) Clamp(Activation fused, float output) => fused switch
    {
        Activation.Relu => (0, 127),
        Activation.Relu6 => (0, (int)Math.Min(127, Math.Round(6 / output, MidpointRounding.AwayFromZero))),
        _ => (-128, 127),
    };
}
