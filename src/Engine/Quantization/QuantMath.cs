namespace GpuEngine.Quantization;

/// <summary>
/// Host-side arithmetic of the int8 scheme (gemmlowp / TFLite): a real rescale factor as an int32 multiplier and a
/// right shift, symmetric per-channel weight quantization, and int32 biases. The kernels only ever see the integers.
/// </summary>
public static class QuantMath
{
    /// <summary>Largest magnitude of a symmetric int8 weight: −127..127 keeps the range symmetric (−128 is never used).</summary>
    public const int WeightMax = 127;

    /// <summary>
    /// real = multiplier · 2^-31 · 2^-shift with multiplier in [2^30, 2^31) and 0 ≤ shift ≤ 31, for 0 ≤ real &lt; 1.
    /// A factor so small that every int32 accumulator rescales to 0 (shift beyond 31) becomes (0, 0): exactly that result.
    /// </summary>
    public static (int Multiplier, int Shift) QuantizeMultiplier(double real)
    {
        if (!(real >= 0) || real >= 1)
            throw new GpuEngineException($"requantization factor {real} is outside [0, 1): the output scale must exceed input·weight scale");
        if (real == 0) return (0, 0);
        // real = q · 2^e with q in [0.5, 1): the multiplier is q in Q31, the shift −e.
        int e = (int)Math.Floor(Math.Log2(real)) + 1;
        double q = real / Math.Pow(2, e);
        if (q >= 1) { q /= 2; e++; }
        if (q < 0.5) { q *= 2; e--; }
        long m = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        if (m == 1L << 31) { m /= 2; e++; }
        int shift = -e;
        return shift > 31 ? (0, 0) : ((int)m, shift);
    }

    /// <summary>
    /// Scale of the int8 Add's int32 sum (TFLite's quantized add, <see cref="Kernels.Ops.Int8AddKernels"/>): 2·max(scaleA, scaleB)
    /// / 2^LeftShift, a grid fine enough that both left-shifted inputs land on it with factors of at most 1/2.
    /// </summary>
    public static double AddSumScale(double scaleA, double scaleB) => 2 * Math.Max(scaleA, scaleB) / (1 << Kernels.Ops.Int8AddKernels.LeftShift);

    /// <summary>
    /// The int8 Add's rescales as [a, b, output] multipliers and shifts: an input x, shifted left (scale_x / 2^LeftShift a unit),
    /// onto the sum's grid, and the sum onto the output's.
    /// </summary>
    public static (int[] Multipliers, int[] Shifts) AddRescales(double scaleA, double scaleB, double scaleOut)
    {
        double sum = AddSumScale(scaleA, scaleB), unit = 1 << Kernels.Ops.Int8AddKernels.LeftShift;
        double[] reals = [scaleA / unit / sum, scaleB / unit / sum, sum / scaleOut];
        var rescales = reals.Select(QuantizeMultiplier).ToArray();
        return ([.. rescales.Select(r => r.Multiplier)], [.. rescales.Select(r => r.Shift)]);
    }

    /// <summary>Symmetric int8 scale of a tensor whose values lie in [−maxAbs, maxAbs]; 1 when the tensor is all zeros.</summary>
    public static float Scale(double maxAbs) => maxAbs > 0 ? (float)(maxAbs / 127.0) : 1f;

    /// <summary>
    /// Per-output-channel symmetric quantization of a weight laid out [channels, ...]: scale[c] = max|w[c]| / 127,
    /// q = clamp(round(w / scale[c]), −127, 127), rounding half away from zero.
    /// </summary>
    public static (sbyte[] Values, float[] Scales) QuantizeWeights(float[] weight, int channels)
    {
        int per = weight.Length / channels;
        var values = new sbyte[weight.Length];
        var scales = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double max = 0;
            for (int i = 0; i < per; i++) max = Math.Max(max, Math.Abs(weight[c * per + i]));
            scales[c] = Scale(max);
            for (int i = 0; i < per; i++)
            {
                double q = Math.Round(weight[c * per + i] / (double)scales[c], MidpointRounding.AwayFromZero);
                values[c * per + i] = (sbyte)Math.Clamp(q, -WeightMax, WeightMax);
            }
        }
        return (values, scales);
    }

    /// <summary>int32 bias at scale inputScale·weightScale[c] (saturated to the int32 range).</summary>
    public static int[] QuantizeBias(float[]? bias, float inputScale, float[] weightScales)
    {
        var result = new int[weightScales.Length];
        if (bias is null) return result;
        for (int c = 0; c < result.Length; c++)
        {
            double q = Math.Round(bias[c] / ((double)inputScale * weightScales[c]), MidpointRounding.AwayFromZero);
            result[c] = (int)Math.Clamp(q, int.MinValue, int.MaxValue);
        }
        return result;
    }
}
