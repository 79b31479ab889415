using GpuEngine.Backends;
using GpuEngine.Execution;
using GpuEngine.Execution.Tactics;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Planning;
using GpuEngine.Tests.Kernels;
using GpuEngine.Tests.Reference;
using GpuEngine.Zoo;
using GpuEngine.Sessions;

namespace GpuEngine.Tests.Execution;

public sealed class TacticsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpue-tactics-").FullName;

    public static TheoryData<string> Devices() => InferenceSessionDevices.Names();

    private string CachePath => Path.Combine(_directory, "tactics.json");

    private static Ir.Graph RepVgg(int size) => WeightInitializer.Initialize(ModelZoo.Create("repvgg-a0", new TensorShape(1, 3, size, size), 10), 5);

    private SessionOptions Tuned(string device, Precision precision = Precision.Fp32, List<string>? warnings = null) => new()
    {
        Device = device,
        Precision = precision,
        Reparameterize = precision == Precision.Int8,
        Tactics = TacticMode.Tuned,
        TacticCache = new TacticCache(CachePath, line => warnings?.Add(line)),
    };

    [Fact]
    public void AWrongCandidateIsRejectedWithItsErrorAndNeverChosen()
    {
        var graph = RepVgg(16);
        var input = RandomInput.Uniform(new TensorShape(1, 3, 16, 16), 3);
        using var fixedSession = SessionFactory.Create(graph, new SessionOptions { Device = "cpu" });
        var expected = fixedSession.Run(input).Floats;
        // Two wrong kernels, both faster than the real ones: wrong values (the weights read as the bias), and half the grid (outputs left unwritten).
        TacticCandidates.ExtraForTests = (launch, written) =>
        [
            new("wrong-bias", launch with { Arguments = [.. launch.Arguments.Select((a, i) => i == 2 ? launch.Arguments[1] : a)] }, written),
            new("half-grid", launch with { Grid = launch.Grid with { GroupCount = launch.Grid.GroupCount with { Y = 0 } } }, written),
        ];
        try
        {
            using var session = SessionFactory.Create(graph, Tuned("cpu"));
            var actual = session.Run(input).Floats;
            // A layer shape seen before in the same session takes the cached choice: check the measured ones.
            var measured = session.TacticReports.Where(r => !r.FromCache).ToList();
            Assert.NotEmpty(measured);
            Assert.All(session.TacticReports, r => Assert.DoesNotContain(r.Winner, new[] { "wrong-bias", "half-grid" }));
            foreach (var report in measured)
            {
                Assert.DoesNotContain(report.Winner, new[] { "wrong-bias", "half-grid" });
                var wrong = report.Candidates.Where(c => c.Name is "wrong-bias" or "half-grid").ToList();
                Assert.Equal(2, wrong.Count);
                Assert.All(wrong, c => Assert.Null(c.MedianMs));
                Assert.All(wrong, c => Assert.False(string.IsNullOrEmpty(c.Error)));
                Assert.NotNull(report.Candidates.Single(c => c.Name == TacticCandidates.Reference).MedianMs);
            }
            OutputComparison.AssertMaxRelative([.. expected.Select(v => (double)v)], actual, 1e-5, "tuned with wrong candidates");
        }
        finally
        {
            TacticCandidates.ExtraForTests = null;
        }
    }

    [Fact]
    public void TheCacheRoundTripsAndAnotherShapeMisses()
    {
        var input = RandomInput.Uniform(new TensorShape(1, 3, 16, 16), 4);
        string[] winners;
        using (var first = SessionFactory.Create(RepVgg(16), Tuned("cpu")))
        {
            first.Run(input);
            // The first layer of each shape measures; later layers of the same shape take its cached choice.
            Assert.All(first.TacticReports.GroupBy(r => r.Key), g => Assert.False(g.First().FromCache));
            Assert.All(first.TacticReports.GroupBy(r => r.Key), g => Assert.All(g.Skip(1), r => Assert.True(r.FromCache)));
            winners = [.. first.TacticReports.Select(r => r.Winner)];
            var reread = new TacticCache(CachePath);
            Assert.All(first.TacticReports, r => Assert.Equal(r.Winner, reread.Lookup(first.Backend, r.Key)));
        }
        using (var second = SessionFactory.Create(RepVgg(16), Tuned("cpu")))
        {
            second.Run(input);
            Assert.All(second.TacticReports, r => Assert.True(r.FromCache));
            Assert.Equal(winners, second.TacticReports.Select(r => r.Winner));
        }
        using var other = SessionFactory.Create(RepVgg(24), Tuned("cpu"));
        other.Run(RandomInput.Uniform(new TensorShape(1, 3, 24, 24), 4));
        Assert.Contains(other.TacticReports, r => !r.FromCache);
    }

    [Fact]
    public void ACorruptCacheFileIsIgnoredWithOneWarning()
    {
        File.WriteAllText(CachePath, "{ not json");
        var warnings = new List<string>();
        using var session = SessionFactory.Create(RepVgg(16), Tuned("cpu", warnings: warnings));
        session.Run(RandomInput.Uniform(new TensorShape(1, 3, 16, 16), 5));
        Assert.Single(warnings);
        Assert.Contains(CachePath, warnings[0]);
        Assert.False(session.TacticReports[0].FromCache);
        Assert.NotEmpty(new TacticCache(CachePath, _ => throw new InvalidOperationException("rewritten file must parse")).Lookup(session.Backend, session.TacticReports[0].Key)!);
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void TunedMatchesFixed_Fp32WithinToleranceAndInt8BitIdentical(string device)
    {
        var graph = RepVgg(16);
        var input = RandomInput.Uniform(new TensorShape(1, 3, 16, 16), 6);
        using var fixedFp32 = SessionFactory.Create(graph, new SessionOptions { Device = device });
        using var tunedFp32 = SessionFactory.Create(graph, Tuned(device));
        var expected = fixedFp32.Run(input).Floats.Select(v => (double)v).ToArray();
        OutputComparison.AssertMaxRelative(expected, tunedFp32.Run(input).Floats, 1e-5, $"fp32 tuned on {device}");
        OutputComparison.AssertMaxRelative(expected, tunedFp32.Run(input).Floats, 1e-5, $"fp32 tuned on {device}, second run");

        using var fixedInt8 = SessionFactory.Create(graph, new SessionOptions { Device = device, Precision = Precision.Int8, Reparameterize = true });
        using var tunedInt8 = SessionFactory.Create(graph, Tuned(device, Precision.Int8) with { Quantization = fixedInt8.Quantization });
        Assert.Equal(fixedInt8.Run(input).Floats, tunedInt8.Run(input).Floats);
        Assert.NotEmpty(tunedInt8.TacticReports);
    }

    [Fact]
    public void CompareRejectsNaNAndAcceptsTinyFp32Differences()
    {
        byte[] Bytes(params float[] v) => [.. v.SelectMany(BitConverter.GetBytes)];
        Assert.Null(TacticSelector.Compare(Bytes(1f, -2f), Bytes(1f, -2f + 1e-6f), GpuEngine.Kernels.KernelElementType.Float32));
        Assert.NotNull(TacticSelector.Compare(Bytes(1f, -2f), Bytes(1f, float.NaN), GpuEngine.Kernels.KernelElementType.Float32));
        Assert.NotNull(TacticSelector.Compare(Bytes(1f, -2f), Bytes(1f, -2.001f), GpuEngine.Kernels.KernelElementType.Float32));
        Assert.NotNull(TacticSelector.Compare([1, 2], [1, 3], GpuEngine.Kernels.KernelElementType.Int8));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
