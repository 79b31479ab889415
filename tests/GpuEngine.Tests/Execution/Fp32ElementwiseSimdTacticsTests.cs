using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Execution.Launchers;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using GpuEngine.Tests.Kernels;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// The fp32 pointwise SIMD tactics against float64 loops written here, on every vector width this cpu has, odd lengths.
/// Tolerances: Sigmoid (the runtime's vector exp) 1e-6 relative to the float64 value, 1e-37 absolute below float's
/// normal range; the other ops 1e-6 · max(1, |value|) (float rounding of their one or two steps). Every op but Sigmoid
/// also equals the reference kernel bit for bit: the same float steps in the same order.
/// </summary>
public sealed class Fp32ElementwiseSimdTacticsTests
{
    private static readonly int[] Counts = [1, 7, 33, 100, 1000, 16_385, 40_001];

    public static TheoryData<SimdLevel> Levels() => [.. CpuSimd.Available];

    private static readonly (int Kind, float Alpha, float Beta, Func<double, double> F)[] UnaryOps =
    [
        (ElementwiseMath.Sigmoid, 0, 0, x => 1 / (1 + Math.Exp(-x))),
        (ElementwiseMath.HardSigmoid, 0.2f, 0.5f, x => Math.Clamp(0.2f * x + 0.5f, 0, 1)),
        (ElementwiseMath.HardSwish, 0, 0, x => x * Math.Clamp(x / 6 + 0.5, 0, 1)),
        (ElementwiseMath.Clip, -1.5f, 2.5f, x => Math.Clamp(x, -1.5, 2.5)),
        (ElementwiseMath.LeakyRelu, 0.1f, 0, x => x >= 0 ? x : 0.1f * x),
    ];

    [Theory]
    [MemberData(nameof(Levels))]
    public void Unary_MatchesFloat64(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(41);
        foreach (int count in Counts)
            foreach (var (kind, alpha, beta, f) in UnaryOps)
            {
                var x = Inputs(random, count, 12);
                var (reference, simd) = Launch(GeneratedKernels.ElementwiseKernels_Unary, [x], [Int(count), Float(alpha), Float(beta), Int(kind)], 1, count, "UnarySimd");
                for (int i = 0; i < count; i++)
                {
                    double expected = f(x[i]);
                    double tolerance = kind == ElementwiseMath.Sigmoid ? 1e-6 * Math.Abs(expected) + 1e-37 : 1e-6 * Math.Max(1, Math.Abs(expected));
                    Assert.True(Math.Abs(simd[i] - expected) <= tolerance, $"kind {kind}, x = {x[i]}: {simd[i]}, float64 {expected}");
                }
                if (kind != ElementwiseMath.Sigmoid) Assert.Equal(reference, simd);
            }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void ReluAndRelu6_AreExact(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(42);
        foreach (int count in Counts)
            foreach (var (kernel, f) in new (KernelDescriptor, Func<float, float>)[]
                { (GeneratedKernels.ActivationKernels_Relu, x => Math.Max(x, 0)), (GeneratedKernels.ActivationKernels_Relu6, x => Math.Clamp(x, 0, 6)) })
            {
                var x = Inputs(random, count, 10);
                var (reference, simd) = Launch(kernel, [x], [Int(count)], 1, count, "ActivationSimd");
                Assert.Equal(x.Select(f), simd);
                Assert.Equal(reference, simd);
            }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Add_WithFusedActivation_MatchesFloat64(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(43);
        foreach (int count in Counts)
            for (int activation = FusedActivation.None; activation <= FusedActivation.Relu6; activation++)
            {
                var (a, b) = (Inputs(random, count, 5), Inputs(random, count, 5));
                var (reference, simd) = Launch(GeneratedKernels.AddKernels_Add, [a, b], [Int(count), Int(activation)], 2, count, "AddSimd");
                double Act(double v) => activation == 0 ? v : activation == 1 ? Math.Max(v, 0) : Math.Clamp(v, 0, 6);
                AssertClose([.. a.Zip(b, (p, q) => Act(p + (double)q))], simd, $"add, activation {activation}");
                Assert.Equal(reference, simd);
            }
    }

    /// <summary>Output shape and operand shapes (rank ≤ 4, broadcast by numpy's rules).</summary>
    private static readonly (int[] A, int[] B)[] BroadcastCases =
    [
        ([2, 5, 7, 9], [2, 5, 7, 9]),   // same shape
        ([2, 16, 7, 7], [2, 16, 1, 1]), // SE: x · scale per channel
        ([1, 24, 1, 1], [1, 24, 5, 3]), // the broadcast operand first
        ([3, 5, 11], [11]),             // a row
        ([2, 3, 1, 5], [1, 3, 4, 1]),   // both broadcast
        ([1], [4, 3, 17]),              // a scalar (a constant)
        ([6, 1, 33], [6, 2, 1]),
    ];

    [Theory]
    [MemberData(nameof(Levels))]
    public void Binary_WithBroadcast_MatchesFloat64(SimdLevel level)
    {
        using var _ = CpuSimd.Force(level);
        var random = new Random(44);
        foreach (var (shapeA, shapeB) in BroadcastCases)
            for (int kind = ElementwiseMath.Add; kind <= ElementwiseMath.Max; kind++)
            {
                int[] Pad(int[] s) => [.. Enumerable.Repeat(1, 4 - s.Length), .. s];
                var (pa, pb) = (Pad(shapeA), Pad(shapeB));
                var output = pa.Zip(pb, Math.Max).ToArray();
                int count = output.Aggregate(1, (p, d) => p * d);
                var a = Inputs(random, pa.Aggregate(1, (p, d) => p * d), 4);
                var b = Inputs(random, pb.Aggregate(1, (p, d) => p * d), 4).Select(v => kind == ElementwiseMath.Div ? Math.Sign(v + 0.01f) * (0.5f + Math.Abs(v)) : v).ToArray();
                int[] scalars =
                [
                    count, output[1], output[2], output[3],
                    .. ElementwiseLauncher.BroadcastStrides(new TensorShape(pa)), .. ElementwiseLauncher.BroadcastStrides(new TensorShape(pb)), kind,
                ];
                var (reference, simd) = Launch(GeneratedKernels.ElementwiseKernels_Binary, [a, b], [.. scalars.Select(Int)], 2, count, "BinarySimd");
                var expected = new double[count];
                for (int i = 0; i < count; i++)
                {
                    int[] index = [i / (output[1] * output[2] * output[3]), i / (output[2] * output[3]) % output[1], i / output[3] % output[2], i % output[3]];
                    double x = a[Flat(index, pa)], y = b[Flat(index, pb)];
                    expected[i] = kind switch { 0 => x + y, 1 => x - y, 2 => x * y, 3 => x / y, _ => Math.Max(x, y) };
                }
                AssertClose(expected, simd, $"{string.Join('x', shapeA)} op{kind} {string.Join('x', shapeB)}");
                Assert.Equal(reference, simd);
            }
    }

    /// <summary>
    /// An in-place launch (output over an input) is the fixed choice, run once and exact, but never a tuning candidate
    /// (run twice it would add twice; tuned validation's poisoned output would be its input) and not re-run when counted.
    /// </summary>
    [Fact]
    public void InPlaceAdd_IsTheFixedChoice_ButNeverATunedCandidate()
    {
        using var backend = TestBackends.Open("cpu");
        using var run = new KernelRunner(backend);
        var random = new Random(45);
        const int count = 1001;
        var (x, y) = (Inputs(random, count, 8), Inputs(random, count, 8));
        var a = run.Upload(x);
        var launch = new KernelLaunch(null!, GeneratedKernels.AddKernels_Add, LaunchGrid.Linear(count), [a, run.Upload(y), a, Int(count), Int(FusedActivation.Relu)]);
        Assert.Empty(GpuEngine.Execution.Tactics.CpuTactics.Candidates(launch));
        Assert.Empty(GpuEngine.Execution.Tactics.TacticCandidates.For(launch));
        var chosen = GpuEngine.Execution.Tactics.TacticCandidates.Fixed(launch);
        Assert.Equal("AddSimd", chosen.Kernel.Name);
        Assert.False(chosen.RerunsAfterCounting);
        chosen.Run(backend);
        backend.Synchronize();
        Assert.Equal(x.Zip(y, (p, q) => Math.Max(p + q, 0f)), run.Download<float>(a));
    }

    /// <summary>Row-major index into an operand of (rank-4 padded) <paramref name="shape"/>, 0 along its broadcast dimensions.</summary>
    private static int Flat(int[] index, int[] shape)
    {
        int flat = 0;
        for (int d = 0; d < 4; d++) flat = flat * shape[d] + (shape[d] == 1 ? 0 : index[d]);
        return flat;
    }

    internal static float[] Inputs(Random random, int count, float range)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)((random.NextDouble() * 2 - 1) * range);
        float[] extremes = [0f, -0f, 100f, -100f, 88f, -88f, 3f, -3f];
        for (int i = 0; i < Math.Min(count, extremes.Length); i++) x[(i * 7919) % count] = extremes[i];
        return x;
    }

    internal static void AssertClose(double[] expected, float[] actual, string what, double relative = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= relative * Math.Max(1, Math.Abs(expected[i])), $"{what}, index {i}: {actual[i]}, float64 {expected[i]}");
    }

    /// <summary>The reference's and the tactic's output over inputs <paramref name="inputs"/> (views 0..), output view at <paramref name="written"/>.</summary>
    internal static (float[] Reference, float[] Simd) Launch(KernelDescriptor kernel, float[][] inputs, KernelArgument[] scalars, int written, int outputLength, string tactic,
        LaunchGrid? grid = null)
    {
        using var backend = TestBackends.Open("cpu");
        using var run = new KernelRunner(backend);
        KernelArgument[] arguments = [.. inputs.Select(run.Upload), default, .. scalars];
        return SimdTacticHarness.Run<float>(run, backend, kernel, grid ?? LaunchGrid.Linear(outputLength), arguments, written, outputLength, tactic);
    }
}
