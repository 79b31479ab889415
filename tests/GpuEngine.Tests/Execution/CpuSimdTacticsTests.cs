using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Execution;
using GpuEngine.Execution.Tactics;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Tests.Kernels;
using GpuEngine.Tests.Reference;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Execution;

/// <summary>The SIMD kernels as cpu tactics: the fixed choice on cpu, validated and timed under tuned, counted as their reference.</summary>
public sealed class CpuSimdTacticsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpue-simd-tactics-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Ir.Graph MobileNet() => WeightInitializer.Initialize(ModelZoo.Create("mobilenet_v2", new TensorShape(2, 3, 32, 32), 10), 7);

    [Fact]
    public void FixedOnCpuRunsTheSimdKernelsAndMatchesFloat64()
    {
        var graph = MobileNet();
        var input = RandomInput.Uniform(new TensorShape(2, 3, 32, 32), 8);
        using var session = new InferenceSession(graph, new SessionOptions { Device = "cpu" });
        var names = session.Launches.Select(l => l.Kernel.Name).ToHashSet();
        // Every conv of this net has at least 8 channels per group: the channel-vectorized conv is the fixed choice.
        Assert.Contains("Conv2dSimdChannels", names);
        Assert.Contains("DepthwiseConv2dSimd", names);
        Assert.Contains("LinearSimd", names);
        Assert.DoesNotContain(GpuEngine.Kernels.GeneratedKernels.Conv2dKernels_Conv2d.Name, names);
        var expected = ReferenceInterpreter.Output(graph, [.. input.Floats.Select(v => (double)v)]);
        OutputComparison.AssertMaxRelative(expected, session.Run(input).Floats, 1e-4, "cpu fixed (simd)");
        // A second run replays the same bound launches (packed weights, same views).
        OutputComparison.AssertMaxRelative(expected, session.Run(input).Floats, 1e-4, "cpu fixed (simd), second run");
    }

    [Fact]
    public void TunedValidatesAndTimesTheSimdCandidates()
    {
        var graph = MobileNet();
        var input = RandomInput.Uniform(new TensorShape(2, 3, 32, 32), 9);
        var options = new SessionOptions { Device = "cpu", Tactics = TacticMode.Tuned, TacticCache = new TacticCache(Path.Combine(_directory, "t.json")) };
        using var session = new InferenceSession(graph, options);
        var output = session.Run(input).Floats;
        var measured = session.TacticReports.Where(r => !r.FromCache).ToList();
        Assert.NotEmpty(measured);
        foreach (var report in measured)
        {
            foreach (var simd in report.Candidates.Where(c => c.Name.StartsWith("simd", StringComparison.Ordinal)))
            {
                Assert.True(simd.Error is null, $"{report.Layer} {simd.Name}: {simd.Error}");
                Assert.NotNull(simd.MedianMs);
            }
            Assert.Contains(report.Candidates, c => c.Name == "simd");
        }
        Assert.Contains(session.TacticReports, r => r.Key.StartsWith(GpuEngine.Kernels.GeneratedKernels.DepthwiseConv2dKernels_DepthwiseConv2d.Name, StringComparison.Ordinal));
        OutputComparison.AssertMaxRelative(ReferenceInterpreter.Output(graph, [.. input.Floats.Select(v => (double)v)]), output, 1e-4, "cpu tuned");
    }

    [Fact]
    public void OffTheCpuNoSimdCandidateIsOffered()
    {
        var graph = MobileNet();
        using var session = new InferenceSession(graph, new SessionOptions { Device = "cpu", Tactics = TacticMode.Tuned });
        var conv = session.Launches.First(l => ReferenceEquals(l.Kernel, GpuEngine.Kernels.GeneratedKernels.Conv2dKernels_Conv2d));
        Assert.Contains(TacticCandidates.For(conv), c => c.Name == "simd");
        Assert.Contains(TacticCandidates.For(conv), c => c.Name == "simd-channels");
        // The SIMD kernel has no OpenCL or ILGPU form: other backends refuse it.
        var simd = TacticCandidates.Fixed(conv);
        Assert.Equal("", simd.Kernel.OpenClSource);
        Assert.Null(simd.Kernel.IlgpuLoader);
    }

    [Fact]
    public void CountingCountsTheReferenceAndKeepsTheSimdOutput()
    {
        var graph = MobileNet();
        var input = RandomInput.Uniform(new TensorShape(2, 3, 32, 32), 10);
        using var simd = new InferenceSession(graph, new SessionOptions { Device = "cpu" });
        using var reference = new InferenceSession(graph, new SessionOptions { Device = "cpu", Tactics = TacticMode.Tuned });
        var plain = simd.Run(input).Floats.ToArray();
        simd.WriteInput(simd.InputMetadata[0].Name, input);
        reference.WriteInput(reference.InputMetadata[0].Name, input);
        Assert.Equal(MeasuredTraffic.Count(reference), MeasuredTraffic.Count(simd));
        Assert.Equal(plain, simd.ReadTensor(simd.OutputMetadata[0].Name).Floats.ToArray());
    }
}
