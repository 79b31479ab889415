using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// The channel-vectorized fp32 conv (<see cref="Fp32ChannelConv"/>) against float64 loops written here: fixed cases
/// that hit each micro-tile (1, 2, 4 vectors of channels, a pixel tail, several jobs, several 64-channel slices) and
/// random shapes (odd channels, stride 2, padding 0/1/2, dilation, groups, 1×1, batch &gt; 1, maps 1×1 to 56×56), on every
/// instruction-set path this machine runs (the narrower ones forced), within 1e-4 of the largest reference magnitude.
/// </summary>
public class CpuSimdFp32ChannelConvTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<SimdLevel> Levels() => [.. CpuSimd.Available];

    // batch, cin, h, w, cout, k, stride, pad, dilation, groups, bias, activation
    private static readonly int[][] Cases =
    [
        [1, 64, 7, 7, 64, 3, 1, 1, 1, 1, 1, FusedActivation.Relu],
        [1, 64, 7, 7, 128, 3, 2, 1, 1, 1, 1, FusedActivation.Relu],
        [2, 16, 14, 14, 48, 3, 1, 1, 1, 1, 0, FusedActivation.None],
        [1, 3, 56, 56, 16, 3, 2, 1, 1, 1, 1, FusedActivation.Relu],
        [1, 32, 4, 4, 200, 1, 1, 0, 1, 1, 1, FusedActivation.Relu6],
        [3, 5, 1, 1, 9, 1, 1, 0, 1, 1, 1, FusedActivation.None],
        [1, 12, 9, 11, 24, 3, 1, 1, 1, 3, 1, FusedActivation.Relu],
        [2, 7, 10, 6, 13, 3, 2, 0, 2, 1, 1, FusedActivation.None],
        [1, 8, 5, 5, 33, 5, 1, 2, 1, 1, 0, FusedActivation.Relu],
    ];

    [Theory]
    [MemberData(nameof(Levels))]
    public void FixedCasesMatchFloat64Loops(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(41);
        foreach (var c in Cases) Check(random, c, level);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void RandomShapesMatchFloat64Loops(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(43 + (int)level);
        for (int i = 0; i < 12; i++)
        {
            int k = random.Next(3) switch { 0 => 1, 1 => 3, _ => 5 };
            int groups = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            int pad = k == 1 ? 0 : random.Next(k / 2 + 1), dilation = k == 5 ? 1 : random.Next(1, 3);
            int h = random.Next(Math.Max(1, dilation * (k - 1) + 1 - 2 * pad), 57), w = random.Next(Math.Max(1, dilation * (k - 1) + 1 - 2 * pad), h > 16 ? 12 : 30);
            int[] c =
            [
                random.Next(1, 3), groups * random.Next(1, 20), h, w, groups * random.Next(1, 70), k, random.Next(1, 3), pad, dilation, groups,
                random.Next(2), random.Next(3),
            ];
            Check(random, c, level);
        }
    }

    private static void Check(Random random, int[] c, SimdLevel level)
    {
        int outH = (c[2] + 2 * c[7] - c[8] * (c[5] - 1) - 1) / c[6] + 1, outW = (c[3] + 2 * c[7] - c[8] * (c[5] - 1) - 1) / c[6] + 1;
        var shape = new Fp32Conv2dShape(c[0], c[1], c[2], c[3], c[4], c[5], c[5], c[6], c[6], c[7], c[7], c[8], c[8], c[9], outH, outW, c[10] != 0, c[11]);
        var input = Random(random, c[0] * c[1] * c[2] * c[3]);
        var weight = Random(random, c[4] * (c[1] / c[9]) * c[5] * c[5]);
        var bias = Random(random, c[4]);
        var output = new float[c[0] * c[4] * outH * outW];
        Array.Fill(output, float.NaN);
        // Two runs of one bound conv: the second reuses the padded copy, whose borders must still be zero.
        Fp32ChannelConv.Compute(shape, input, weight, bias, output, runs: 2);
        AssertClose(Reference(shape, input, weight, bias), output, $"conv {string.Join(",", c)} on {level}");
    }

    private static double[] Reference(Fp32Conv2dShape s, float[] x, float[] w, float[] b)
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
                        y[((n * s.OutChannels + co) * s.OutH + oy) * s.OutW + ox] =
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
            Assert.True(diff <= Tolerance * scale, $"{what}: element {i} is {actual[i]}, float64 gives {expected[i]} (|diff| {diff:G3} > {Tolerance} x {scale:G3})");
        }
    }
}
