using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// The cpu fp32 SIMD kernels against float64 loops written here, on random shapes (odd channels, stride 2, padding 0/1,
/// dilation, groups, batch &gt; 1, 1×1, deep k that takes several slices, maps wider than a job), on every
/// instruction-set path this machine runs (the narrower ones forced), within 1e-4 of the largest reference magnitude.
/// </summary>
public class CpuSimdFp32Tests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<SimdLevel> Levels() => [.. CpuSimd.Available];

    // batch, cin, h, w, cout, k, stride, pad, dilation, groups, bias, activation
    private static readonly int[][] ConvCases =
    [
        [1, 3, 11, 9, 7, 3, 1, 1, 1, 1, 1, FusedActivation.Relu],
        [2, 5, 8, 10, 13, 3, 2, 1, 1, 1, 1, FusedActivation.None],
        [1, 16, 7, 7, 50, 1, 1, 0, 1, 1, 0, FusedActivation.None],
        [1, 6, 9, 9, 9, 3, 1, 0, 1, 3, 1, FusedActivation.Relu6],
        [1, 40, 13, 13, 55, 3, 1, 1, 1, 1, 1, FusedActivation.Relu],
        [3, 4, 12, 11, 5, 3, 2, 0, 2, 1, 0, FusedActivation.None],
        [2, 8, 5, 17, 16, 1, 2, 0, 1, 2, 1, FusedActivation.None],
    ];

    [Theory]
    [MemberData(nameof(Levels))]
    public void Conv2d_MatchesFloat64Loops(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(17);
        foreach (var c in ConvCases)
        {
            int outH = (c[2] + 2 * c[7] - c[8] * (c[5] - 1) - 1) / c[6] + 1, outW = (c[3] + 2 * c[7] - c[8] * (c[5] - 1) - 1) / c[6] + 1;
            var shape = new Fp32Conv2dShape(c[0], c[1], c[2], c[3], c[4], c[5], c[5], c[6], c[6], c[7], c[7], c[8], c[8], c[9], outH, outW, c[10] != 0, c[11]);
            var input = Random(random, c[0] * c[1] * c[2] * c[3]);
            var weight = Random(random, c[4] * (c[1] / c[9]) * c[5] * c[5]);
            var bias = Random(random, c[4]);
            var output = new float[c[0] * c[4] * outH * outW];
            Array.Fill(output, float.NaN);
            Fp32SimdKernels.Conv2d(shape, input, weight, bias, output);
            AssertClose(ConvReference(shape, input, weight, bias), output, $"conv {string.Join(",", c)} on {level}");
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Depthwise_MatchesFloat64Loops(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(23);
        // batch, channels, h, w, k, stride, pad, dilation, bias, activation
        int[][] cases =
        [
            [1, 7, 10, 13, 3, 1, 1, 1, 1, FusedActivation.Relu6],
            [2, 5, 9, 37, 3, 2, 1, 1, 0, FusedActivation.None],
            [1, 3, 20, 41, 3, 1, 0, 1, 1, FusedActivation.Relu],
            [1, 4, 12, 19, 5, 1, 2, 2, 1, FusedActivation.None],
        ];
        foreach (var c in cases)
        {
            int outH = (c[2] + 2 * c[6] - c[7] * (c[4] - 1) - 1) / c[5] + 1, outW = (c[3] + 2 * c[6] - c[7] * (c[4] - 1) - 1) / c[5] + 1;
            var shape = new Fp32DepthwiseShape(c[0], c[1], c[2], c[3], c[4], c[4], c[5], c[5], c[6], c[6], c[7], c[7], outH, outW, c[8] != 0, c[9]);
            var input = Random(random, c[0] * c[1] * c[2] * c[3]);
            var weight = Random(random, c[1] * c[4] * c[4]);
            var bias = Random(random, c[1]);
            var output = new float[c[0] * c[1] * outH * outW];
            Array.Fill(output, float.NaN);
            Fp32SimdKernels.Depthwise(shape, input, weight, bias, output);
            // Depthwise is a grouped conv with one channel per group: the same float64 loops.
            var asConv = new Fp32Conv2dShape(c[0], c[1], c[2], c[3], c[1], c[4], c[4], c[5], c[5], c[6], c[6], c[7], c[7], c[1], outH, outW, c[8] != 0, c[9]);
            AssertClose(ConvReference(asConv, input, weight, bias), output, $"depthwise {string.Join(",", c)} on {level}");
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Linear_MatchesFloat64Loops(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(29);
        foreach (var (batch, inF, outF, bias, act) in new[] { (1, 100, 37, true, FusedActivation.None), (3, 517, 20, false, FusedActivation.Relu), (8, 64, 33, true, FusedActivation.Relu6) })
        {
            var x = Random(random, batch * inF);
            var w = Random(random, outF * inF);
            var b = Random(random, outF);
            var y = new float[batch * outF];
            Array.Fill(y, float.NaN);
            Fp32SimdKernels.Linear(batch, inF, outF, bias, act, x, w, b, y);
            var expected = new double[batch * outF];
            for (int n = 0; n < batch; n++)
                for (int o = 0; o < outF; o++)
                {
                    double sum = bias ? b[o] : 0;
                    for (int i = 0; i < inF; i++) sum += (double)x[n * inF + i] * w[o * inF + i];
                    expected[n * outF + o] = Activate(sum, act);
                }
            AssertClose(expected, y, $"linear {batch}x{inF}->{outF} on {level}");
        }
    }

    [Fact]
    public void ForcingAPathNarrowsOnlyWithinTheScope()
    {
        var best = CpuSimd.Best;
        using (CpuSimd.Force(SimdLevel.Scalar)) Assert.Equal(SimdLevel.Scalar, CpuSimd.Level);
        Assert.Equal(best, CpuSimd.Level);
        Assert.Contains(SimdLevel.Scalar, CpuSimd.Available);
    }

    private static double[] ConvReference(Fp32Conv2dShape s, float[] x, float[] w, float[] b)
    {
        var y = new double[s.Batch * s.OutChannels * s.OutH * s.OutW];
        int cinG = s.InChannels / s.Groups, coutG = s.OutChannels / s.Groups;
        for (int n = 0; n < s.Batch; n++)
            for (int co = 0; co < s.OutChannels; co++)
                for (int oy = 0; oy < s.OutH; oy++)
                    for (int ox = 0; ox < s.OutW; ox++)
                    {
                        double sum = s.HasBias ? b[co] : 0;
                        int g = co / coutG;
                        for (int ci = 0; ci < cinG; ci++)
                            for (int ky = 0; ky < s.KernelH; ky++)
                                for (int kx = 0; kx < s.KernelW; kx++)
                                {
                                    int iy = oy * s.StrideH - s.PadH + ky * s.DilationH, ix = ox * s.StrideW - s.PadW + kx * s.DilationW;
                                    if (iy < 0 || iy >= s.Height || ix < 0 || ix >= s.Width) continue;
                                    sum += (double)x[((n * s.InChannels + g * cinG + ci) * s.Height + iy) * s.Width + ix]
                                        * w[((co * cinG + ci) * s.KernelH + ky) * s.KernelW + kx];
                                }
                        y[((n * s.OutChannels + co) * s.OutH + oy) * s.OutW + ox] = Activate(sum, s.Activation);
                    }
        return y;
    }

    private static double Activate(double v, int kind) =>
        kind == FusedActivation.Relu ? Math.Max(v, 0) : kind == FusedActivation.Relu6 ? Math.Clamp(v, 0, 6) : v;

    private static float[] Random(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1))];

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            Assert.True(diff <= Tolerance * scale, $"{what}: element {i} is {actual[i]}, float64 gives {expected[i]} (|diff| {diff:G3} > {Tolerance} x {scale:G3})");
        }
    }
}
