using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using GpuEngine.Tests.Kernels;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// The cpu device's int8 SIMD convs against the reference kernel (Int8Conv2d run by the cpu backend) and against
/// int64 loops written here, bit for bit, in every mode, on every instruction-set path this cpu has.
/// </summary>
public class Int8SimdConvTests
{
    /// <summary>A conv case: shape, hyper-parameters, fused activation (0 none, 1 ReLU, 2 ReLU6) and input zero point (padding value).</summary>
    public sealed record Case(int Batch, int Cin, int H, int W, int Cout, int Kh, int Kw, int Stride, int Pad, int Dilation, int Groups, bool Bias, int Activation, int InputZp)
    {
        public int OutH => (H + 2 * Pad - Dilation * (Kh - 1) - 1) / Stride + 1;
        public int OutW => (W + 2 * Pad - Dilation * (Kw - 1) - 1) / Stride + 1;
    }

    private static readonly Case[] Cases =
    [
        new(1, 3, 9, 11, 8, 3, 3, 1, 1, 1, 1, true, 1, 0),      // stem: 3 channels (not a lane multiple), ReLU
        new(2, 5, 7, 6, 7, 1, 1, 1, 0, 1, 1, false, 0, 0),      // pointwise, odd channels, batch 2 (chunks cross images)
        new(1, 8, 13, 10, 70, 3, 3, 2, 1, 1, 1, true, 2, 3),    // stride 2, 70 rows (4-row tiles + remainder), ReLU6, zp 3
        new(1, 6, 12, 12, 9, 3, 2, 1, 2, 2, 3, true, 0, -2),    // grouped, dilated, non-square kernel
        new(3, 17, 9, 9, 17, 3, 3, 2, 1, 1, 17, true, 1, 0),    // depthwise, stride 2, batch 3
        new(1, 32, 14, 13, 32, 3, 3, 1, 1, 1, 32, false, 2, 5), // depthwise, stride 1, padding zp 5
        new(1, 5, 11, 10, 5, 3, 3, 2, 0, 1, 5, true, 0, 0),     // depthwise, padding 0
        new(1, 33, 7, 7, 65, 3, 3, 1, 0, 1, 1, true, 0, 0),     // padding 0, odd channels both sides
        new(2, 64, 5, 5, 36, 1, 1, 1, 0, 1, 1, true, 1, 0),     // 1x1 as GEMM, batch 2
        new(17, 45, 1, 1, 33, 1, 1, 1, 0, 1, 1, true, 1, 0),    // a batched Linear as a 1x1 conv
        new(1, 3, 20, 23, 16, 3, 3, 2, 1, 1, 1, true, 1, 0),    // stride 2, 120 columns (two chunks)
        new(2, 12, 6, 6, 8, 3, 3, 1, 1, 1, 4, false, 0, 0),     // grouped, 3 channels a group, batch 2
        new(1, 8, 20, 37, 12, 3, 3, 1, 1, 1, 1, true, 1, 3),    // stride 1, rows of 37: 4-channel 16-pixel interleave + padding zp 3
        new(2, 9, 9, 18, 5, 3, 3, 1, 2, 2, 1, false, 0, -1),    // stride 1, dilated, 9 channels (two 4-groups + one), batch 2
        new(1, 20, 6, 19, 6, 1, 1, 1, 0, 1, 1, true, 2, 0),     // 1x1: 114 pixels, 16-pixel interleave across rows
        // RepVGG's shapes and their neighbours (the direct form's 6-pixel × 16-channel tiles, rows crossed, blocks cut short).
        new(1, 3, 56, 56, 16, 3, 3, 2, 1, 1, 1, true, 1, 0),    // stem: depth 27, stride 2, 28x28 out
        new(2, 16, 14, 14, 16, 3, 3, 1, 1, 1, 1, true, 1, 2),   // 16 -> 16, batch 2 (tiles cross images)
        new(1, 64, 7, 7, 128, 3, 3, 2, 1, 1, 1, true, 1, 0),    // 64 -> 128 stride 2 at 4x4: 16 pixels, 8 blocks
        new(1, 64, 7, 7, 64, 3, 3, 1, 1, 1, 1, true, 2, -3),    // 64 -> 64 at 7x7: 49 pixels, depth 576
        new(3, 7, 1, 1, 21, 3, 3, 1, 1, 1, 1, true, 0, 4),      // a 1x1 map, padding all around, 21 channels (16 + 5), batch 3
        new(1, 13, 9, 5, 24, 3, 3, 2, 0, 1, 1, false, 1, 0),    // padding 0, stride 2, 24 channels (16 + 8), odd cin
        new(2, 6, 8, 8, 10, 3, 3, 1, 1, 1, 2, true, 1, 1),      // 2 groups of 3 -> 5, batch 2
        new(1, 5, 6, 7, 9, 1, 1, 2, 0, 1, 1, true, 2, 0),       // 1x1 stride 2, 9 channels
        new(1, 36, 5, 4, 40, 3, 3, 1, 1, 1, 1, true, 1, -128),  // zero point -128, 40 channels (16 + 16 + 8)
        new(2, 16, 23, 19, 96, 1, 1, 1, 0, 1, 1, true, 2, 0),   // 1x1 16 -> 96, batch 2: 24-pixel groups cross images, 8-pixel stores
        new(2, 3, 30, 27, 32, 3, 3, 2, 1, 1, 1, true, 2, 1),    // stem 3 -> 32 stride 2, depth 27, batch 2, 15x14 out
        new(1, 24, 13, 11, 144, 1, 1, 1, 0, 1, 1, false, 1, -4), // 1x1 24 -> 144: 143 pixels (a short last group)
    ];

    public static TheoryData<Int8SimdPath, Int8ConvForm, int> PathsAndCases()
    {
        var data = new TheoryData<Int8SimdPath, Int8ConvForm, int>();
        foreach (var path in new[] { Int8SimdPath.Avx2, Int8SimdPath.AvxVnni })
            foreach (var form in Enum.GetValues<Int8ConvForm>())
                for (int i = 0; i < Cases.Length; i++) data.Add(path, form, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndCases))]
    public void Conv_MatchesReferenceKernel_InEveryMode(Int8SimdPath path, Int8ConvForm form, int index)
    {
        if (path > Int8Simd.Widest) Assert.Skip($"this cpu has no {path} (widest: {Int8Simd.Widest})");
        var c = Cases[index];
        var ops = Operands.Make(c, new Random(9100 + index));
        var expectedSums = ops.Sums();
        var (lo, hi) = Int8Requant.Clamp(c.Activation, ops.OutputZp);
        int pixels = c.OutH * c.OutW;
        var expected = expectedSums.Select((s, i) => Int8Requant.Apply(s, ops.Multipliers[i / pixels % c.Cout], ops.Shifts[i / pixels % c.Cout], ops.OutputZp, lo, hi)).ToArray();

        using var backend = TestBackends.Open("cpu");
        using var run = new KernelRunner(backend);
        var referenceOut = run.Upload(new sbyte[expected.Length]);
        run.Launch(GeneratedKernels.Int8Conv2dKernels_Int8Conv2d, Grid(c), ops.Arguments(run, referenceOut, run.Upload(new int[1]), RequantizeKernels.Fused));
        var reference = run.Download<sbyte>(referenceOut);
        Assert.Equal(expected, reference);
        Assert.Contains(expected, v => v != expected[0]);

        var simd = ops.Prepare(path, form);
        var fused = Enumerable.Repeat((sbyte)-77, expected.Length).ToArray();
        var sums = Enumerable.Repeat(-777, expected.Length).ToArray();
        ops.Run(simd, fused, new int[1], RequantizeKernels.Fused);
        Assert.Equal(reference, fused);
        ops.Run(simd, new sbyte[1], sums, RequantizeKernels.AddSumWrite);
        Assert.Equal(expectedSums.Select(s => (int)s), sums);
        ops.Run(simd, new sbyte[1], sums, RequantizeKernels.AddSumAccumulate);
        Assert.Equal(expectedSums.Select(s => (int)(2 * s)), sums);

        // The direct form's fused store requantizes on AVX-512 when bound at that level: the 256-bit store too.
        foreach (var level in CpuSimd.Available.Where(l => l is SimdLevel.Vector256 or SimdLevel.Vector512))
        {
            object narrower;
            using (CpuSimd.Force(level)) narrower = ops.Prepare(path, form);
            var again = Enumerable.Repeat((sbyte)77, expected.Length).ToArray();
            ops.Run(narrower, again, new int[1], RequantizeKernels.Fused);
            Assert.Equal(reference, again);
        }
    }

    [Fact]
    public void DepthwiseCases_TakeTheDepthwiseKernel_OthersTheGemm()
    {
        foreach (var c in Cases)
        {
            var p = Operands.Make(c, new Random(1)).Params();
            bool depthwise = c.Groups > 1 && c.Groups == c.Cin && c.Groups == c.Cout;
            Assert.Equal(depthwise, Int8SimdDepthwiseConv2d.Applies(p, Int8SimdPath.Avx2));
            Assert.Equal(!depthwise, Int8SimdConv2d.Applies(p, Int8SimdPath.Avx2));
            Assert.False(Int8SimdConv2d.Applies(p, Int8SimdPath.None) || Int8SimdDepthwiseConv2d.Applies(p, Int8SimdPath.None));
        }
    }

    /// <summary>Force narrows the path for this flow (how tests cover AVX2 on a VNNI machine) and restores it when disposed.</summary>
    [Fact]
    public void Force_NarrowsThePathAndRestoresIt()
    {
        var widest = Int8Simd.Current;
        using (Int8Simd.Force(Int8SimdPath.Avx2))
            Assert.Equal(widest >= Int8SimdPath.Avx2 ? Int8SimdPath.Avx2 : widest, Int8Simd.Current);
        using (Int8Simd.Force(Int8SimdPath.None)) Assert.Equal(Int8SimdPath.None, Int8Simd.Current);
        Assert.Equal(widest, Int8Simd.Current);
        Assert.Equal(Int8Simd.Widest, widest);
    }

    private static LaunchGrid Grid(Case c)
    {
        int columns = c.Batch * c.OutH * c.OutW;
        return new LaunchGrid(new Dim3(16, 16), new Dim3((columns + 63) / 64, (c.Cout / c.Groups + 63) / 64, c.Groups));
    }
}
