using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Profiling.Costs;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Profiling.Reports;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Profiling;

/// <summary>One small measured profile (RepVGG-N1 train form at 1x3x32x32 on cpu, re-parameterized), shared by the tests.</summary>
public sealed class SmallProfile : IDisposable
{
    public SmallProfile()
    {
        var graph = WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1-train", new TensorShape(1, 3, 32, 32)), 1);
        Session = new InferenceSession(graph, new SessionOptions { Device = "cpu", Reparameterize = true });
        Profile = SessionProfiler.Measure(Session, RandomInput.Uniform(graph.Inputs[0].Shape, 1), new ProfileOptions(Warmup: 1, Runs: 2));
    }

    public InferenceSession Session { get; }
    public SessionProfile Profile { get; }

    public void Dispose() => Session.Dispose();
}

public class MeasuredProfileTests(SmallProfile small) : IClassFixture<SmallProfile>
{
    /// <summary>Totals against hand-worked figures (a re-sum of the rows would compare the report with itself).</summary>
    [Fact]
    public void TotalsEqualHandWorkedFigures() => HandProfileTotals.AssertTotals(GpuEngine.Planning.Precision.Fp32);

    [Fact]
    public void TapeHasOneRowPerLaunchAndEveryReportTheSameTime()
    {
        var tape = ProfileReport.Create(small.Profile, ProfileReportType.Tape);
        Assert.Equal(small.Session.Launches.Count, tape.Rows.Count);
        double Median(Report r) => Convert.ToDouble(r.Totals![r.Columns.ToList().FindIndex(c => c.Key == "latency_median_ms")]);
        foreach (var type in new[] { ProfileReportType.Node, ProfileReportType.Root })
            Assert.Equal(Median(tape), Median(ProfileReport.Create(small.Profile, type)), 9);
    }

    [Fact]
    public void NodeReportHasEveryModelLayerWithItsAnalyticCost()
    {
        var model = small.Session.Model;
        var node = ProfileReport.Create(small.Profile, ProfileReportType.Node);
        Assert.Equal(model.Nodes.Select(n => n.Name), node.Rows.Select(r => (string)r[0]!));
        // Each row and the totals against the conventions' formulas written in the test (not the profiler's cost model).
        int Column(string key) => node.Columns.ToList().FindIndex(c => c.Key == key);
        (long, long, long) Counts(object?[] row) => (Convert.ToInt64(row[Column("params")]), Convert.ToInt64(row[Column("flops")]), Convert.ToInt64(row[Column("macc")]));
        for (int i = 0; i < model.Nodes.Count; i++)
        {
            var expected = ConventionFormulas.Layer(model, model.Nodes[i]);
            Assert.Equal((expected.Params, expected.Flops, expected.Macc), Counts(node.Rows[i]));
        }
        var total = ConventionFormulas.Total(model);
        Assert.Equal((total.Params, total.Flops, total.Macc), Counts(node.Totals!));
        // The train-time branches were fused into one kernel each: every layer still gets a share of measured time.
        var median = node.Columns.ToList().FindIndex(c => c.Key == "latency_median_ms");
        Assert.All(node.Rows.Where(r => (string)r[1]! == "Conv2d"), r => Assert.True(Convert.ToDouble(r[median]) > 0));
    }

    [Fact]
    public void IncludeAddsToTheDefaultAndExcludeDropsColumns()
    {
        var report = ProfileReport.Create(small.Profile, ProfileReportType.Root);
        Assert.Equal(["name", "type", "out_shape", "params", "macc", "mem_rw", "latency_median_ms", "time_pct"], report.Select(null, null).Columns.Select(c => c.Key));
        Assert.Equal(["name", "type", "out_shape", "params", "flops", "macc", "mem_rw", "latency_median_ms", "time_pct", "energy"],
            report.Select(["energy", "flops"], null).Columns.Select(c => c.Key));
        Assert.Equal(ProfileRow.Columns.Count, report.Select(["all"], null).Columns.Count);
        Assert.Equal(ProfileRow.Columns.Count - 2, report.Select(null, ["kernel", "covers"], everyColumn: true).Columns.Count);
        Assert.DoesNotContain("kernel", report.Select(null, ["kernel", "covers"]).Columns.Select(c => c.Key));
        Assert.Throws<GpuEngineException>(() => report.Select(["latency"], null));
    }

    [Fact]
    public void MemoryColumnsComeFromThePlan()
    {
        var plan = small.Session.Plan;
        var steps = StepMemory.Of(plan);
        Assert.True(plan.LowerBoundBytes >= steps.Max(s => s.DevMaxMemAlloc));
        // By hand: the first step finds the float32 input 3·32·32 alive and adds stage0's output, 16 channels at 16x16.
        var first = steps[0];
        Assert.Equal(4L * 3 * 32 * 32, first.NetDevMem);
        Assert.Equal(4L * 16 * 16 * 16, first.DevMemAlloc);
    }

    [Fact]
    public void LatencyStatisticsUseNearestRank()
    {
        var stats = LatencyStats.Of([5, 1, 3, 2, 4, 6, 7, 8, 9, 10]);
        Assert.Equal((5.0, 9.0, 1.0, 10), (stats.MedianMs, stats.P90Ms, stats.MinMs, stats.Runs));
    }
}
