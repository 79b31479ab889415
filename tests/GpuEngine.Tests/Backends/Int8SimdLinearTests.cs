using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using GpuEngine.Tests.Kernels;

namespace GpuEngine.Tests.Backends;

/// <summary>The cpu device's int8 SIMD Linear against Int8Linear on the cpu backend and int64 loops, bit for bit, every mode and path.</summary>
public class Int8SimdLinearTests
{
    private static readonly (int Batch, int In, int Out, bool Bias, int Activation)[] Cases =
    [
        (1, 1280, 37, true, 0),  // MobileNetV2's classifier depth, odd features (4-row passes + remainder, blocks of 16)
        (3, 64, 10, false, 1),   // k exactly two vectors, batch 3, ReLU
        (2, 31, 5, true, 2),     // k below one vector: the scalar tail only
        (1, 200, 17, true, 0),   // k = 6 vectors + 8
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
    public void Linear_MatchesReferenceKernel_InEveryMode(Int8SimdPath path, int index)
    {
        if (path > Int8Simd.Widest) Assert.Skip($"this cpu has no {path} (widest: {Int8Simd.Widest})");
        var (batch, inF, outF, hasBias, activation) = Cases[index];
        var random = new Random(7300 + index);
        var x = GpuEngine.Tests.Kernels.Reference.RandomInt8(random, batch * inF);
        var w = Enumerable.Range(0, outF * inF).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var bias = Enumerable.Range(0, outF).Select(_ => random.Next(-20000, 20000)).ToArray();
        var (multipliers, shifts) = Int8Requant.RandomScales(random, outF, inF);
        int zp = random.Next(-5, 6);
        var (lo, hi) = Int8Requant.Clamp(activation, zp);
        var sums = new long[batch * outF];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outF; o++)
            {
                long s = hasBias ? bias[o] : 0;
                for (int k = 0; k < inF; k++) s += (long)x[n * inF + k] * w[o * inF + k];
                sums[n * outF + o] = s;
            }
        var expected = sums.Select((s, i) => Int8Requant.Apply(s, multipliers[i % outF], shifts[i % outF], zp, lo, hi)).ToArray();
        var p = new Int8LinearParams { InFeatures = inF, OutFeatures = outF, HasBias = hasBias ? 1 : 0, OutputZeroPoint = zp, ClampMin = lo, ClampMax = hi };

        using var backend = TestBackends.Open("cpu");
        using var run = new KernelRunner(backend);
        var referenceOut = run.Upload(new sbyte[expected.Length]);
        run.Launch(GeneratedKernels.Int8LinearKernels_Int8Linear,
            new LaunchGrid(new Dim3(Int8LinearKernels.RowThreads, Int8LinearKernels.RowsPerGroup), new Dim3((outF + Int8LinearKernels.RowsPerGroup - 1) / Int8LinearKernels.RowsPerGroup, batch)),
            [
                run.Upload(x), run.Upload(w), run.Upload(bias), run.Upload(multipliers), run.Upload(shifts), referenceOut, run.Upload(new int[1]),
                .. new[] { inF, outF, p.HasBias, zp, lo, hi, RequantizeKernels.Fused }.Select(KernelArgument.Int),
            ]);
        var reference = run.Download<sbyte>(referenceOut);
        Assert.Equal(expected, reference);

        var linear = new Int8SimdLinear(p, batch, w, path);
        var fused = Enumerable.Repeat((sbyte)-77, expected.Length).ToArray();
        var accumulator = Enumerable.Repeat(-777, expected.Length).ToArray();
        linear.Run(x, bias, multipliers, shifts, fused, accumulator, RequantizeKernels.Fused);
        Assert.Equal(reference, fused);
        linear.Run(x, bias, multipliers, shifts, fused, accumulator, RequantizeKernels.AddSumWrite);
        Assert.Equal(sums.Select(v => (int)v), accumulator);
        linear.Run(x, bias, multipliers, shifts, fused, accumulator, RequantizeKernels.AddSumAccumulate);
        Assert.Equal(sums.Select(v => (int)(2 * v)), accumulator);
    }
}
