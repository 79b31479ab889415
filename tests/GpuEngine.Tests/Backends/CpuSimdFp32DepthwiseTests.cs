using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// The cpu fp32 depthwise kernel against a float64 depthwise loop written here: 3x3 and 5x5, stride 1 and 2, padding
/// 0/1/2, odd and even widths and heights from 1 to 57 (rows narrower than a vector, rows a vector and a bit wide),
/// dilation 1 and 2, batch 2, on every instruction-set path this machine runs, within 1e-4 of the largest reference magnitude.
/// </summary>
public class CpuSimdFp32DepthwiseTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<SimdLevel> Levels() => [.. CpuSimd.Available];

    private static readonly int[] Sides = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 18, 31, 33, 57];

    [Theory]
    [MemberData(nameof(Levels))]
    public void Depthwise_MatchesFloat64Loop_OverStridesPaddingsAndOddSizes(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(41);
        int[] activations = [FusedActivation.None, FusedActivation.Relu, FusedActivation.Relu6];
        foreach (int k in new[] { 3, 5 })
            foreach (int stride in new[] { 1, 2 })
                foreach (int pad in new[] { 0, 1, 2 })
                    for (int trial = 0; trial < 8; trial++)
                    {
                        // The last two trials of a case dilate the taps by 2.
                        int dilation = trial < 6 ? 1 : 2, span = dilation * (k - 1) + 1;
                        // Widths walk every side once over the trials of a case; heights are drawn.
                        int w = Sides[(trial * 5 + k + stride + pad) % Sides.Length], h = Sides[random.Next(Sides.Length)];
                        if (w + 2 * pad < span || h + 2 * pad < span) continue;
                        int channels = 1 + random.Next(4);
                        bool hasBias = random.Next(2) == 0;
                        int act = activations[random.Next(3)];
                        int outH = (h + 2 * pad - span) / stride + 1, outW = (w + 2 * pad - span) / stride + 1;
                        var shape = new Fp32DepthwiseShape(2, channels, h, w, k, k, stride, stride, pad, pad, dilation, dilation, outH, outW, hasBias, act);
                        var input = Random(random, 2 * channels * h * w);
                        var weight = Random(random, channels * k * k);
                        var bias = Random(random, channels);
                        var output = new float[2 * channels * outH * outW];
                        Array.Fill(output, float.NaN);
                        Fp32SimdKernels.Depthwise(shape, input, weight, bias, output);
                        AssertClose(Reference(shape, input, weight, bias), output, $"depthwise 2x{channels}x{h}x{w} k{k} s{stride} p{pad} d{dilation} act{act} on {level}");
                    }
    }

    /// <summary>One output per (image, channel, y, x), summing the taps that land inside the input, in float64.</summary>
    private static double[] Reference(Fp32DepthwiseShape s, float[] x, float[] w, float[] b)
    {
        var y = new double[s.Batch * s.Channels * s.OutH * s.OutW];
        for (int n = 0; n < s.Batch; n++)
            for (int c = 0; c < s.Channels; c++)
                for (int oy = 0; oy < s.OutH; oy++)
                    for (int ox = 0; ox < s.OutW; ox++)
                    {
                        double sum = s.HasBias ? b[c] : 0;
                        for (int ky = 0; ky < s.KernelH; ky++)
                            for (int kx = 0; kx < s.KernelW; kx++)
                            {
                                int iy = oy * s.StrideH - s.PadH + ky * s.DilationH, ix = ox * s.StrideW - s.PadW + kx * s.DilationW;
                                if (iy < 0 || iy >= s.Height || ix < 0 || ix >= s.Width) continue;
                                sum += (double)x[((n * s.Channels + c) * s.Height + iy) * s.Width + ix] * w[(c * s.KernelH + ky) * s.KernelW + kx];
                            }
                        y[((n * s.Channels + c) * s.OutH + oy) * s.OutW + ox] =
                            s.Activation == FusedActivation.Relu ? Math.Max(sum, 0) : s.Activation == FusedActivation.Relu6 ? Math.Clamp(sum, 0, 6) : sum;
                    }
        return y;
    }

    private static float[] Random(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1))];

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        double scale = Math.Max(expected.Max(Math.Abs), 1e-30);
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            Assert.True(diff <= Tolerance * scale || diff == 0, $"{what}: element {i} is {actual[i]}, float64 gives {expected[i]} (|diff| {diff:G3})");
        }
    }
}
