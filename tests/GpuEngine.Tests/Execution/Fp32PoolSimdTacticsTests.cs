using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Kernels;
using static GpuEngine.Backends.KernelArgument;
using static GpuEngine.Tests.Execution.Fp32ElementwiseSimdTacticsTests;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// The fp32 pooling SIMD tactics against float64 loops (PoolCase), on every vector width this cpu has. Max is exact
/// (and equals the reference kernel); the means sum in another order than the reference: within
/// 1e-5 · max(1, |mean|) (window inputs reach ±100), the global mean within 1e-6 of the inputs' largest magnitude.
/// </summary>
public sealed class Fp32PoolSimdTacticsTests
{
    public static TheoryData<SimdLevel> Levels() => [.. CpuSimd.Available];

    [Theory]
    [MemberData(nameof(Levels))]
    public void MaxPool_IsExact(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(51);
        foreach (var c in PoolCase.Cases)
        {
            var x = Inputs(random, c.Planes * c.H * c.W, 9);
            var (reference, simd) = Launch(GeneratedKernels.Pool2dKernels_MaxPool2d, [x], c.Scalars(), 1, c.OutputLength, "Pool2dSimd");
            Assert.Equal(PoolCase.Max(c, [.. x.Select(v => (double)v)]).Select(v => (float)v), simd);
            Assert.Equal(reference, simd);
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void AvgPool_MatchesFloat64_WithAndWithoutPadding(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(52);
        foreach (var c in PoolCase.Cases)
            foreach (bool countIncludePad in new[] { false, true })
            {
                var x = Inputs(random, c.Planes * c.H * c.W, 9);
                var (_, simd) = Launch(GeneratedKernels.Pool2dKernels_AvgPool2d, [x], [.. c.Scalars(), Int(countIncludePad ? 1 : 0)], 1, c.OutputLength, "Pool2dSimd");
                AssertClose(PoolCase.Average(c, [.. x.Select(v => (double)v)], countIncludePad), simd, $"{c}, countIncludePad {countIncludePad}", relative: 1e-5);
            }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void GlobalAvgPool_MatchesFloat64(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(53);
        foreach (var (planes, pixels) in new[] { (1, 1), (74, 3), (7, 16), (128, 16), (33, 49), (5, 196), (3, 3137) })
        {
            var x = Inputs(random, planes * pixels, 4);
            var (_, simd) = Launch(GeneratedKernels.Pool2dKernels_GlobalAvgPool, [x], [Int(pixels)], 1, planes, "GlobalAvgPoolSimd",
                new LaunchGrid(new Dim3(GpuEngine.Kernels.Ops.Pool2dKernels.GlobalThreads), new Dim3(planes)));
            var expected = Enumerable.Range(0, planes).Select(p => x.Skip(p * pixels).Take(pixels).Sum(v => (double)v) / pixels).ToArray();
            // The sum's rounding is relative to the inputs' magnitude (up to 100 here), not to the mean.
            AssertClose([.. expected.Select(e => e / 100)], [.. simd.Select(v => v / 100)], $"{planes} planes of {pixels}");
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void AdaptiveAvgPool_MatchesFloat64(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(54);
        foreach (var c in PoolCase.AdaptiveCases)
        {
            var x = Inputs(random, c.Planes * c.H * c.W, 9);
            int length = c.Planes * c.OutH * c.OutW;
            var (_, simd) = Launch(GeneratedKernels.Pool2dKernels_AdaptiveAvgPool2d, [x], [.. new[] { c.Planes, c.H, c.W, c.OutH, c.OutW }.Select(Int)], 1, length,
                "AdaptiveAvgPool2dSimd");
            AssertClose(PoolCase.Adaptive([.. x.Select(v => (double)v)], c), simd, $"adaptive {c}", relative: 1e-5);
        }
    }
}
