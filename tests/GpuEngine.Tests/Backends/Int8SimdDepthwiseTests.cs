using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using GpuEngine.Tests.Kernels;
using Case = GpuEngine.Tests.Backends.Int8SimdConvTests.Case;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// The int8 SIMD depthwise conv against int64 loops over the definition and the reference kernel, bit for bit, in every
/// mode and on every path this cpu has: odd channel counts, strides 1 to 3, padding 0 to 2, 3×3 and 5×5, dilation,
/// batch > 1, rows narrower than a vector and rows that are not a multiple of 8 (the stores that run past a row).
/// </summary>
public class Int8SimdDepthwiseTests
{
    // (Batch, Cin, H, W, Cout, Kh, Kw, Stride, Pad, Dilation, Groups, Bias, Activation, InputZp)
    private static readonly Case[] Cases =
    [
        new(1, 7, 7, 7, 7, 3, 3, 1, 1, 1, 7, true, 2, 0),         // 7×7 rows: every row is one part vector
        new(2, 9, 14, 14, 9, 3, 3, 2, 1, 1, 9, true, 1, -3),      // stride 2, batch 2, odd channels
        new(1, 5, 17, 23, 5, 3, 3, 1, 0, 1, 5, false, 0, 4),      // padding 0, odd width
        new(1, 3, 12, 40, 3, 3, 3, 2, 0, 1, 3, true, 0, 0),       // stride 2, padding 0, even width
        new(3, 11, 9, 33, 11, 5, 5, 1, 2, 1, 11, true, 1, 2),     // 5×5, padding 2, batch 3
        new(1, 6, 15, 19, 6, 5, 5, 2, 2, 1, 6, true, 2, -128),    // 5×5 stride 2, padding zp −128
        new(1, 4, 11, 13, 4, 3, 3, 1, 2, 2, 4, false, 0, 127),    // dilated, padding zp 127
        new(2, 3, 13, 16, 3, 3, 3, 3, 1, 1, 3, true, 1, 1),       // stride 3
        new(1, 13, 3, 2, 13, 3, 3, 1, 1, 1, 13, true, 0, 0),      // 2 columns, 3 rows
        new(1, 2, 1, 1, 2, 3, 3, 1, 1, 1, 2, true, 0, -1),        // a single pixel
        new(1, 3, 30, 67, 3, 3, 3, 1, 1, 1, 3, true, 2, 0),       // wide rows: full vectors and a 3-lane rest
        new(2, 40, 8, 8, 40, 3, 3, 1, 1, 1, 40, true, 1, 0),      // many small planes in one job
        new(1, 5, 10, 10, 5, 1, 1, 1, 0, 1, 5, true, 0, 3),       // 1×1 depthwise
        new(1, 4, 9, 12, 4, 2, 4, 2, 1, 1, 4, true, 0, -7),       // non-square kernel (2×4), stride 2
    ];

    public static TheoryData<Int8SimdPath, int> PathsAndCases()
    {
        var data = new TheoryData<Int8SimdPath, int>();
        foreach (var path in new[] { Int8SimdPath.Avx2, Int8SimdPath.AvxVnni })
            for (int i = 0; i < Cases.Length; i++) data.Add(path, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndCases))]
    public void Depthwise_MatchesTheDefinitionAndTheReferenceKernel_InEveryMode(Int8SimdPath path, int index)
    {
        if (path > Int8Simd.Widest) Assert.Skip($"this cpu has no {path} (widest: {Int8Simd.Widest})");
        var c = Cases[index];
        var ops = Operands.Make(c, new Random(7300 + index));
        var expectedSums = ops.Sums();
        var (lo, hi) = Int8Requant.Clamp(c.Activation, ops.OutputZp);
        int pixels = c.OutH * c.OutW;
        var expected = expectedSums.Select((s, i) => Int8Requant.Apply(s, ops.Multipliers[i / pixels % c.Cout], ops.Shifts[i / pixels % c.Cout], ops.OutputZp, lo, hi)).ToArray();
        if (expected.Length >= 16) Assert.Contains(expected, v => v != expected[0]);
        Assert.Equal(expected, Reference(ops, expected.Length));

        var p = ops.Params();
        Assert.True(Int8SimdDepthwiseConv2d.Applies(p, path));
        // 8-lane requantization (bound at 256-bit vectors) and, where the cpu has AVX-512, 16-lane.
        foreach (var level in new[] { SimdLevel.Vector256, CpuSimd.Best }.Distinct())
        {
            Int8SimdDepthwiseConv2d simd;
            using (CpuSimd.Force(level)) simd = new Int8SimdDepthwiseConv2d(p, ops.Weight, path);
            Assert.Equal(path, simd.Path);
            Assert.Equal(level == SimdLevel.Vector512, simd.Wide);
            RunsExactly(simd, ops, expected, expectedSums);
        }
    }

    /// <summary>Each mode twice: the second run reuses this thread's scratch, holding the first run's planes.</summary>
    private static void RunsExactly(Int8SimdDepthwiseConv2d simd, Operands ops, sbyte[] expected, long[] expectedSums)
    {
        for (int round = 0; round < 2; round++)
        {
            var fused = Enumerable.Repeat((sbyte)-77, expected.Length).ToArray();
            simd.Run(ops.Input, ops.Bias, ops.Multipliers, ops.Shifts, fused, new int[1], RequantizeKernels.Fused);
            Assert.Equal(expected, fused);
            var sums = Enumerable.Repeat(-777, expected.Length).ToArray();
            simd.Run(ops.Input, ops.Bias, ops.Multipliers, ops.Shifts, new sbyte[1], sums, RequantizeKernels.AddSumWrite);
            Assert.Equal(expectedSums.Select(s => (int)s), sums);
            simd.Run(ops.Input, ops.Bias, ops.Multipliers, ops.Shifts, new sbyte[1], sums, RequantizeKernels.AddSumAccumulate);
            Assert.Equal(expectedSums.Select(s => (int)(2 * s)), sums);
        }
    }

    /// <summary>Weights of −128 (outside the quantizer's range, still exact on both paths) and inputs at both ends.</summary>
    [Theory]
    [InlineData(Int8SimdPath.Avx2)]
    [InlineData(Int8SimdPath.AvxVnni)]
    public void ExtremeValues_SumExactly(Int8SimdPath path)
    {
        if (path > Int8Simd.Widest) Assert.Skip($"this cpu has no {path} (widest: {Int8Simd.Widest})");
        var c = new Case(1, 3, 9, 21, 3, 3, 3, 1, 1, 1, 3, true, 0, -128);
        var random = new Random(5);
        var ops = Operands.Make(c, random) with
        {
            Input = Enumerable.Range(0, 3 * 9 * 21).Select(_ => (sbyte)(random.Next(2) == 0 ? -128 : 127)).ToArray(),
            Weight = Enumerable.Range(0, 27).Select(i => (sbyte)(i % 3 == 0 ? -128 : 127)).ToArray(),
        };
        var expectedSums = ops.Sums();
        var (lo, hi) = Int8Requant.Clamp(c.Activation, ops.OutputZp);
        var expected = expectedSums.Select((s, i) => Int8Requant.Apply(s, ops.Multipliers[i / (c.OutH * c.OutW)], ops.Shifts[i / (c.OutH * c.OutW)], ops.OutputZp, lo, hi)).ToArray();
        RunsExactly(new Int8SimdDepthwiseConv2d(ops.Params(), ops.Weight, path), ops, expected, expectedSums);
    }

    /// <summary>The reference kernel (Int8Conv2d run by the cpu backend), fused.</summary>
    private static sbyte[] Reference(Operands ops, int length)
    {
        var c = ops.Case;
        using var backend = TestBackends.Open("cpu");
        using var run = new KernelRunner(backend);
        var output = run.Upload(new sbyte[length]);
        int columns = c.Batch * c.OutH * c.OutW;
        var grid = new LaunchGrid(new Dim3(16, 16), new Dim3((columns + 63) / 64, (c.Cout / c.Groups + 63) / 64, c.Groups));
        run.Launch(GeneratedKernels.Int8Conv2dKernels_Int8Conv2d, grid, ops.Arguments(run, output, run.Upload(new int[1]), RequantizeKernels.Fused));
        return run.Download<sbyte>(output);
    }
}
