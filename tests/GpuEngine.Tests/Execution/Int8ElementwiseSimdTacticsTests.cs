using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Kernels;
using GpuEngine.Tests.Kernels;
using static GpuEngine.Backends.KernelArgument;
using KernelReference = GpuEngine.Tests.Kernels.Reference;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// The int8 edge, Add and max-pool SIMD tactics bit-exact against their reference kernels (run by the cpu backend) on
/// random data with rounding ties, saturation, NaN and infinities, odd lengths (vector tails) and every int8 path.
/// These kernels have one AVX2 body (the paths differ only in the convs' dot products); the tails run scalar code.
/// </summary>
public sealed class Int8ElementwiseSimdTacticsTests
{
    private static readonly int[] Counts = [1, 7, 31, 33, 100, 1000, 16_385, 150_531];

    public static TheoryData<Int8SimdPath> Paths() => [.. Int8Simd.Available];

    [Theory]
    [MemberData(nameof(Paths))]
    public void Quantize_IsBitExact_AtTiesAndSaturation(Int8SimdPath path)
    {
        using var _ = Int8Simd.Force(path);
        var random = new Random(31);
        foreach (int count in Counts)
            foreach (var (inverseScale, zeroPoint) in new[] { (4f, 0), (1f / 0.0123f, 3), (37.7f, -128), (0.5f, 127) })
            {
                var x = new float[count];
                for (int i = 0; i < count; i++)
                    x[i] = (i % 5) switch
                    {
                        0 => (random.Next(-300, 300) + 0.5f) / inverseScale, // x · inverseScale lands on (or next to) a tie
                        1 => (float)(random.NextDouble() * 400 - 200) / inverseScale, // beyond ±128 after scaling: saturates
                        2 => i % 3 == 0 ? float.NaN : i % 3 == 1 ? float.PositiveInfinity : -3e30f,
                        _ => (float)(random.NextDouble() * 6 - 3),
                    };
                var (reference, simd) = Launch<float, sbyte>(GeneratedKernels.QuantizeKernels_Quantize, x, [Int(count), Float(inverseScale), Int(zeroPoint)], "QuantizeSimd");
                Assert.Equal(reference, simd);
            }
    }

    /// <summary>Hand-worked: round half to even at ties, then the zero point, then saturation.</summary>
    [Fact]
    public void Quantize_RoundsHalfToEven()
    {
        float[] x = [0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 200f, -200f, .. Enumerable.Repeat(0.25f, 40)];
        var (_, simd) = Launch<float, sbyte>(GeneratedKernels.QuantizeKernels_Quantize, x, [Int(x.Length), Float(1f), Int(1)], "QuantizeSimd");
        Assert.Equal(new sbyte[] { 1, 3, 3, 1, -1, -1, 127, -128 }, simd[..8]);
        Assert.All(simd[8..], q => Assert.Equal(1, q));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Dequantize_IsBitExact(Int8SimdPath path)
    {
        using var _ = Int8Simd.Force(path);
        var random = new Random(32);
        foreach (int count in Counts)
            foreach (var (scale, zeroPoint) in new[] { (0.0123f, 0), (3.7e-5f, -3), (1.5f, 7) })
            {
                var q = KernelReference.RandomInt8(random, count);
                var (reference, simd) = Launch<sbyte, float>(GeneratedKernels.QuantizeKernels_Dequantize, q, [Int(count), Float(scale), Int(zeroPoint)], "DequantizeSimd");
                Assert.Equal(reference, simd);
                Assert.Equal((q[0] - zeroPoint) * (double)scale, simd[0], 1e-6 * Math.Abs(q[0] - zeroPoint) * scale);
            }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Requantize_IsBitExact_PerChannel(Int8SimdPath path)
    {
        using var _ = Int8Simd.Force(path);
        var random = new Random(33);
        foreach (var (batch, channels, pixels) in new[] { (1, 1, 1), (2, 17, 1), (2, 5, 7), (1, 3, 49), (3, 4, 64), (1, 10, 197) })
            foreach (var (lo, hi, zp) in new[] { (-128, 127, 0), (0, 127, 0), (-5, 35, -5), (-300, 300, 2) })
            {
                int count = batch * channels * pixels;
                var sums = Enumerable.Range(0, count).Select(i => i % 11 == 0 ? (i % 2 == 0 ? int.MinValue : int.MaxValue) : random.Next(-200_000, 200_000)).ToArray();
                var multipliers = Enumerable.Range(0, channels).Select(c => c == 2 ? int.MinValue : random.Next(1 << 30, int.MaxValue)).ToArray();
                var shifts = Enumerable.Range(0, channels).Select(c => c == 1 ? 0 : random.Next(0, 32)).ToArray();
                using var backend = TestBackends.Open("cpu");
                using var run = new KernelRunner(backend);
                KernelArgument[] arguments = [run.Upload(sums), run.Upload(multipliers), run.Upload(shifts), default, .. new[] { channels, pixels, count, zp, lo, hi }.Select(Int)];
                var (reference, simd) = SimdTacticHarness.Run<sbyte>(run, backend, GeneratedKernels.RequantizeKernels_Requantize, LaunchGrid.Linear(count),
                    arguments, 3, count, "RequantizeSimd");
                Assert.Equal(reference, simd);
            }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Int8Add_IsBitExact_WithItsClamps(Int8SimdPath path)
    {
        using var _ = Int8Simd.Force(path);
        var random = new Random(34);
        foreach (int count in Counts)
            foreach (var (lo, hi) in new[] { (-128, 127), (0, 127), (0, 40), (-1000, 1000) })
            {
                // The quantizer's rescales (even counts), or random multipliers and shifts (odd counts).
                (int[] m, int[] s) = count % 2 == 0
                    ? GpuEngine.Quantization.QuantMath.AddRescales(0.03 + random.NextDouble() * 0.1, 0.01 + random.NextDouble() * 0.1, 0.02 + random.NextDouble() * 0.1)
                    : ([.. Enumerable.Range(0, 3).Select(_ => random.Next(1 << 30, int.MaxValue))], [random.Next(0, 4), random.Next(0, 4), random.Next(12, 20)]);
                using var backend = TestBackends.Open("cpu");
                using var run = new KernelRunner(backend);
                KernelArgument[] arguments =
                [
                    run.Upload(KernelReference.RandomInt8(random, count)), run.Upload(KernelReference.RandomInt8(random, count)), default,
                    .. new[] { count, m[0], s[0], m[1], s[1], m[2], s[2], lo, hi }.Select(Int),
                ];
                var (reference, simd) = SimdTacticHarness.Run<sbyte>(run, backend, GeneratedKernels.Int8AddKernels_Int8Add, LaunchGrid.Linear(count), arguments, 2, count, "Int8AddSimd");
                Assert.Equal(reference, simd);
                Assert.Contains(reference, v => v != reference[0] || count < 8);
            }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Int8MaxPool_IsBitExact(Int8SimdPath path)
    {
        using var _ = Int8Simd.Force(path);
        var random = new Random(35);
        foreach (var c in PoolCase.Cases)
        {
            var x = KernelReference.RandomInt8(random, c.Planes * c.H * c.W);
            var (reference, simd) = Launch<sbyte, sbyte>(GeneratedKernels.Int8Pool2dKernels_Int8MaxPool2d, x, c.Scalars(), "Int8MaxPool2dSimd", c.OutputLength);
            Assert.Equal(reference, simd);
            Assert.Equal(PoolCase.Max(c, [.. x.Select(v => (double)v)]).Select(v => (sbyte)v), simd);
        }
    }

    /// <summary>Bit-exact with the reference, and the float64 bin mean rounded half away from zero.</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void Int8AdaptiveAvgPool_IsBitExact(Int8SimdPath path)
    {
        using var _ = Int8Simd.Force(path);
        var random = new Random(36);
        foreach (var c in PoolCase.AdaptiveCases)
        {
            var x = KernelReference.RandomInt8(random, c.Planes * c.H * c.W);
            var (reference, simd) = Launch<sbyte, sbyte>(GeneratedKernels.Int8Pool2dKernels_Int8AdaptiveAvgPool2d, x,
                [.. new[] { c.Planes, c.H, c.W, c.OutH, c.OutW }.Select(Int)], "Int8AdaptiveAvgPool2dSimd", c.Planes * c.OutH * c.OutW);
            Assert.Equal(reference, simd);
            Assert.Equal(PoolCase.Adaptive([.. x.Select(v => (double)v)], c).Select(m => (sbyte)Math.Round(m, MidpointRounding.AwayFromZero)), simd);
        }
    }

    private static (TOut[] Reference, TOut[] Simd) Launch<TIn, TOut>(KernelDescriptor kernel, TIn[] input, KernelArgument[] scalars, string tactic, int? outputLength = null)
        where TIn : unmanaged where TOut : unmanaged
    {
        using var backend = TestBackends.Open("cpu");
        using var run = new KernelRunner(backend);
        int length = outputLength ?? input.Length;
        return SimdTacticHarness.Run<TOut>(run, backend, kernel, LaunchGrid.Linear(length), [run.Upload(input), default, .. scalars], 1, length, tactic);
    }
}
