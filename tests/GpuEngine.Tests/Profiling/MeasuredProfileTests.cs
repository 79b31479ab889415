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
    private static readonly string[] Levels = ["net_dev_mem", "dev_max_mem_alloc", "gbps", "gflops", "intensity", "roofline_pct", "traffic_ratio"];

    /// <summary>Totals against hand-worked figures (a re-sum of the rows would compare the report with itself).</summary>
    [Fact]
    public void TotalsEqualHandWorkedFigures() => HandProfileTotals.AssertTotals(GpuEngine.Planning.Precision.Fp32);

    /// <summary>
    /// Every additive column's total is the sum of its rows (levels and rates are not additive). A consistency check
    /// only: the totals' values are checked against hand-worked figures in <see cref="TotalsEqualHandWorkedFigures"/>.
    /// </summary>
    internal static void AssertTotalsAreTheSumOfTheRows(Report report)
    {
        Assert.NotNull(report.Totals);
        for (int c = 0; c < report.Columns.Count; c++)
        {
            var column = report.Columns[c];
            if (Levels.Contains(column.Key) || column.Kind == ColumnKind.Text) continue;
            if (column.Kind == ColumnKind.Integer)
                Assert.Equal(report.Rows.Sum(r => Convert.ToInt64(r[c])), Convert.ToInt64(report.Totals![c]));
            else
                Assert.Equal(report.Rows.Sum(r => Convert.ToDouble(r[c])), Convert.ToDouble(report.Totals![c]), 9);
        }
    }

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
        var flops = node.Columns.ToList().FindIndex(c => c.Key == "flops");
        Assert.Equal(model.Nodes.Sum(n => CostModel.Layer(model, n).Flops), Convert.ToInt64(node.Totals![flops]));
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
        var first = steps[0];
        Assert.Equal(plan.Inputs.Sum(t => t.Bytes), first.NetDevMem);
        Assert.Equal(plan.Tensor(plan.Steps[0].Output).Bytes, first.DevMemAlloc);
    }

    [Fact]
    public void LatencyStatisticsUseNearestRank()
    {
        var stats = LatencyStats.Of([5, 1, 3, 2, 4, 6, 7, 8, 9, 10]);
        Assert.Equal((5.0, 9.0, 1.0, 10), (stats.MedianMs, stats.P90Ms, stats.MinMs, stats.Runs));
    }
}
