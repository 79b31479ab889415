using GpuEngine.Backends;
using GpuEngine.Execution;
using GpuEngine.Execution.Tactics;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Loading;
using GpuEngine.Planning;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Sessions;
using GpuEngine.Tests.Kernels;
using GpuEngine.Tests.Reference;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// Split-k as a tactic: a tuned session of a small RepVGG validates and times the split-k candidates at its small
/// layers and keeps the fixed session's logits (int8 bit for bit); a split-k candidate that reduces one split too few
/// is rejected; a cached split-k choice is taken by the next session, which then runs the two launches over its workspace.
/// </summary>
public sealed class SplitKTacticsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpue-splitk-").FullName;

    private static readonly TensorShape InputShape = new(1, 3, 16, 16);

    public static TheoryData<string> Devices() => InferenceSessionDevices.Names();

    private string CachePath => Path.Combine(_directory, "tactics.json");

    /// <summary>Five stages, maps 8×8 down to 1×1: every conv after the stem has fewer output tiles than any device's groups.</summary>
    private static Ir.Graph SmallRepVgg()
    {
        var config = new RepVgg.Config("repvgg-splitk", [16, 24, 32, 48, 64], [1, 2, 2, 1, 1], new Dictionary<int, int>(), Seed: true);
        return WeightInitializer.Initialize(RepVgg.Build(config, InputShape, 10, deploy: true), 21);
    }

    private SessionOptions Tuned(string device, Precision precision) => new()
    {
        Device = device,
        Precision = precision,
        Reparameterize = true,
        Tactics = TacticMode.Tuned,
        TacticCache = new TacticCache(CachePath),
    };

    private static SessionOptions Fixed(string device, Precision precision) =>
        new() { Device = device, Precision = precision, Reparameterize = true };

    private static bool IsSplitK(string name) => name.Contains("splitk", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Devices))]
    public void TunedSessions_ValidateAndTimeSplitK_AndKeepTheFixedLogits(string device)
    {
        var graph = SmallRepVgg();
        var input = RandomInput.Uniform(InputShape, 22);
        using var fixedFp32 = SessionFactory.Create(graph, Fixed(device, Precision.Fp32));
        using var tunedFp32 = SessionFactory.Create(graph, Tuned(device, Precision.Fp32));
        OutputComparison.AssertMaxRelative([.. fixedFp32.Run(input).Floats.Select(v => (double)v)], tunedFp32.Run(input).Floats, 1e-5, $"fp32 tuned on {device}");
        AssertSplitKMeasured(tunedFp32, device);

        using var fixedInt8 = SessionFactory.Create(graph, Fixed(device, Precision.Int8));
        using var tunedInt8 = SessionFactory.Create(graph, Tuned(device, Precision.Int8) with { Quantization = fixedInt8.Quantization });
        var expected = fixedInt8.Run(input).Floats;
        Assert.Equal(expected, tunedInt8.Run(input).Floats);
        Assert.Equal(expected, tunedInt8.Run(input).Floats);
        Assert.Contains(expected, v => v != expected[0]);
        AssertSplitKMeasured(tunedInt8, device);
        // Fixed mode never runs split-k.
        Assert.DoesNotContain(fixedInt8.Launches, l => l.Kernel.Name.Contains("SplitK", StringComparison.Ordinal));
    }

    private static void AssertSplitKMeasured(InferenceSession session, string device)
    {
        var measured = session.TacticReports.Where(r => !r.FromCache).ToList();
        var withSplitK = measured.Where(r => r.Candidates.Any(c => IsSplitK(c.Name))).ToList();
        Assert.True(withSplitK.Count >= 2, $"{device}: split-k offered at {withSplitK.Count} of {measured.Count} measured layers");
        foreach (var c in withSplitK.SelectMany(r => r.Candidates).Where(c => IsSplitK(c.Name)))
        {
            Assert.True(c.Error is null, $"{device} {c.Name}: {c.Error}");
            Assert.NotNull(c.MedianMs);
        }
        Assert.Contains(withSplitK, r => r.Candidates.Any(c => c.Name == "splitk2") && r.Candidates.Any(c => c.Name == "splitk4"));
        Assert.Contains(withSplitK, r => r.Candidates.Any(c => c.Name == "tile32-splitk2"));
    }

    [Fact]
    public void ASplitKCandidateThatReducesOneSplitTooFewIsRejected()
    {
        var graph = SmallRepVgg();
        var input = RandomInput.Uniform(InputShape, 23);
        using var fixedInt8 = SessionFactory.Create(graph, Fixed("cpu", Precision.Int8));
        var expected = fixedInt8.Run(input).Floats;
        TacticCandidates.ExtraForTests = (launch, written) =>
            ReferenceEquals(launch.Kernel, GeneratedKernels.Int8Conv2dKernels_Int8Conv2d) || ReferenceEquals(launch.Kernel, GeneratedKernels.Conv2dKernels_Conv2d)
                ? [SplitKCandidates.Create(launch, written, 2, reducedSplits: 1) with { Name = "splitk2-one-short" }]
                : [];
        try
        {
            foreach (var precision in new[] { Precision.Int8, Precision.Fp32 })
            {
                using var tuned = SessionFactory.Create(graph, Tuned("cpu", precision) with { Quantization = precision == Precision.Int8 ? fixedInt8.Quantization : null });
                var actual = tuned.Run(input).Floats;
                var measured = tuned.TacticReports.Where(r => !r.FromCache && r.Candidates.Any(c => c.Name == "splitk2-one-short")).ToList();
                Assert.NotEmpty(measured);
                foreach (var report in measured)
                {
                    var wrong = report.Candidates.Single(c => c.Name == "splitk2-one-short");
                    Assert.Null(wrong.MedianMs);
                    Assert.Contains(precision == Precision.Int8 ? "not bit-exact" : "the reference", wrong.Error);
                }
                Assert.All(tuned.TacticReports, r => Assert.NotEqual("splitk2-one-short", r.Winner));
                if (precision == Precision.Int8) Assert.Equal(expected, actual);
            }
        }
        finally
        {
            TacticCandidates.ExtraForTests = null;
        }
    }

    [Fact]
    public void ACachedSplitKChoiceRoundTripsAndRunsWithItsWorkspace()
    {
        var graph = SmallRepVgg();
        var input = RandomInput.Uniform(InputShape, 24);
        using var fixedInt8 = SessionFactory.Create(graph, Fixed("cpu", Precision.Int8));
        var expected = fixedInt8.Run(input).Floats;
        var options = Tuned("cpu", Precision.Int8) with { Quantization = fixedInt8.Quantization };
        List<string> keys;
        using (var first = SessionFactory.Create(graph, options))
        {
            first.Run(input);
            keys = [.. first.TacticReports.Where(r => r.Candidates.Any(c => c.Name == "splitk2")).Select(r => r.Key).Distinct()];
            Assert.NotEmpty(keys);
            // Every layer where split-k was offered now chooses splitk2, through the file.
            var cache = new TacticCache(CachePath);
            foreach (var key in keys) cache.Store(first.Backend, key, "splitk2");
        }
        using var second = SessionFactory.Create(graph, options with { TacticCache = new TacticCache(CachePath) });
        long before = second.DeviceBytes;
        Assert.Equal(expected, second.Run(input).Floats);
        var taken = second.TacticReports.Where(r => keys.Contains(r.Key)).ToList();
        Assert.NotEmpty(taken);
        Assert.All(taken, r => Assert.True(r.FromCache && r.Winner == "splitk2", $"{r.Layer}: {r.Winner}"));
        // Each split-k layer runs its conv and its reduction; its workspace (2 × the output's int32 elements) is in the session's bytes.
        int reductions = second.Launches.Count(l => ReferenceEquals(l.Kernel, GeneratedKernels.SplitKReduceKernels_Int8SplitKReduce));
        Assert.Equal(taken.Count, reductions);
        Assert.True(second.DeviceBytes > before, $"device bytes {second.DeviceBytes} after tuning, {before} before");
        Assert.Equal(expected, second.Run(input).Floats);
        // The profiler's counting run counts both launches: a reduction reads its two int32 partials per output at least.
        var counted = MeasuredTraffic.TryCount(second);
        Assert.NotNull(counted);
        for (int i = 0; i < second.Launches.Count; i++)
            if (ReferenceEquals(second.Launches[i].Kernel, GeneratedKernels.SplitKReduceKernels_Int8SplitKReduce))
            {
                long outputs = second.Launches[i].Arguments[6].ScalarBits;
                Assert.True(counted[i] >= outputs * (2 * 4 + 1), $"launch {i}: {counted[i]} bytes counted for {outputs} outputs");
                Assert.True(counted[i - 1] > 0, $"launch {i - 1} (the partial sums) counted no bytes");
            }
        Assert.Equal(expected, second.Run(input).Floats);
    }

    [Fact]
    public void TunePrintsTheSplitKCandidates()
    {
        var (exit, output, error) = Gpuengine.Run(["tune", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu",
            "--cache", CachePath, "--format", "csv"]);
        Assert.True(exit == 0, error);
        var rows = output.Trim().Split('\n').Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Contains(rows, r => r[1] == "splitk2" && r[3] is "valid" or "winner");
        Assert.Contains(rows, r => r[1] == "splitk4" && r[3] is "valid" or "winner");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
