using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Profiling.Costs;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Profiling.Reports;
using GpuEngine.Quantization;
using GpuEngine.Zoo;
using GpuEngine.Sessions;

namespace GpuEngine.Tests.Profiling;

/// <summary>
/// RepVGG-N1 in train form at 1x3x32x32, 10 classes, on cpu, quantized once and profiled in both int8 modes
/// (re-parameterized, so the model's layers differ from the executed ones), with the counting run.
/// </summary>
public sealed class Int8Profiles : IDisposable
{
    private readonly List<InferenceSession> _sessions = [];

    public Int8Profiles()
    {
        Graph = WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1-train", new TensorShape(1, 3, 32, 32), 10), 1);
        var options = new SessionOptions { Device = "cpu", Reparameterize = true, Precision = Precision.Int8 };
        var quantized = Calibrator.Calibrate(Graph, options, new CalibrationOptions { Samples = 2 });
        Fused = Measure(options with { Quantization = quantized });
        Addsum = Measure(options with { Quantization = quantized, Int8Mode = Int8Mode.Addsum });
    }

    public Ir.Graph Graph { get; }
    public SessionProfile Fused { get; }
    public SessionProfile Addsum { get; }

    public SessionProfile Of(Int8Mode mode) => mode == Int8Mode.Fused ? Fused : Addsum;

    private SessionProfile Measure(SessionOptions options)
    {
        var session = SessionFactory.Create(Graph, options);
        _sessions.Add(session);
        var profile = SessionProfiler.Measure(session, RandomInput.Uniform(Graph.Inputs[0].Shape, 1), new ProfileOptions(Warmup: 1, Runs: 2));
        return profile with { MeasuredBytes = MeasuredTraffic.Count(session) };
    }

    public void Dispose()
    {
        foreach (var session in _sessions) session.Dispose();
    }
}

public class Int8ProfileTests(Int8Profiles int8) : IClassFixture<Int8Profiles>
{
    public static TheoryData<Int8Mode, ProfileReportType> ModesAndReports()
    {
        var data = new TheoryData<Int8Mode, ProfileReportType>();
        foreach (var mode in Enum.GetValues<Int8Mode>())
        {
            foreach (var type in Enum.GetValues<ProfileReportType>()) data.Add(mode, type);
        }
        return data;
    }

    /// <summary>Totals against hand-worked figures, in both int8 modes (a re-sum of the rows would compare the report with itself).</summary>
    [Theory]
    [InlineData(Int8Mode.Fused)]
    [InlineData(Int8Mode.Addsum)]
    public void TotalsEqualHandWorkedFigures(Int8Mode mode) => HandProfileTotals.AssertTotals(Precision.Int8, mode);

    /// <summary>Every launch is in every report: the layers (with the edge conversions) add up to the root, and so does the tape's time and memory.</summary>
    [Theory]
    [InlineData(Int8Mode.Fused)]
    [InlineData(Int8Mode.Addsum)]
    public void NodeAndTapeTotalsEqualTheRoot(Int8Mode mode)
    {
        var profile = int8.Of(mode);
        var root = ProfileReport.Create(profile, ProfileReportType.Root);
        var node = ProfileReport.Create(profile, ProfileReportType.Node);
        var tape = ProfileReport.Create(profile, ProfileReportType.Tape);
        string[] layerSums = ["params", "flops", "macc", "mem_r", "mem_w", "mem_rw", "act_bytes_int8", "addsum_bytes_int32", "dev_mem_alloc", "dev_max_mem_alloc"];
        foreach (var key in layerSums) Assert.Equal(Cell(root, root.Rows[0], key), Cell(node, node.Totals!, key));
        // A fused kernel's counted bytes are shared among its layers and each row is rounded to a byte.
        long counted = Convert.ToInt64(Cell(root, root.Rows[0], "measured_bytes"));
        Assert.InRange(Convert.ToInt64(Cell(node, node.Totals!, "measured_bytes")), counted - node.Rows.Count / 2, counted + node.Rows.Count / 2);
        foreach (var key in new[] { "dev_mem_alloc", "net_dev_mem", "dev_max_mem_alloc", "measured_bytes" })
            Assert.Equal(Cell(root, root.Rows[0], key), Cell(tape, tape.Totals!, key));
        foreach (var report in new[] { node, tape })
            Assert.Equal(Convert.ToDouble(Cell(root, root.Rows[0], "latency_median_ms")), Convert.ToDouble(Cell(report, report.Totals!, "latency_median_ms")), 9);
        // Conversions add no arithmetic: the int8 model has fp32's flops, by the conventions' formulas written in the test.
        var expected = ConventionFormulas.Total(int8.Graph);
        Assert.Equal((expected.Params, expected.Flops, expected.Macc),
            (Convert.ToInt64(Cell(root, root.Rows[0], "params")), Convert.ToInt64(Cell(root, root.Rows[0], "flops")), Convert.ToInt64(Cell(root, root.Rows[0], "macc"))));
    }

    [Theory]
    [InlineData(Int8Mode.Fused)]
    [InlineData(Int8Mode.Addsum)]
    public void TapeHasOneRowPerLaunchWithTheConversions(Int8Mode mode)
    {
        var profile = int8.Of(mode);
        var tape = ProfileReport.Create(profile, ProfileReportType.Tape);
        Assert.Equal(profile.Session.Launches.Count, tape.Rows.Count);
        Assert.Equal(profile.Session.Launches.Select(l => l.Node.Name), tape.Rows.Select(r => (string)r[0]!));
        Assert.Equal(("input.quantized", "Quantize"), ((string)tape.Rows[0][0]!, (string)tape.Rows[0][1]!));
        Assert.Equal(("linear.dequantized", "Dequantize"), ((string)tape.Rows[^1][0]!, (string)tape.Rows[^1][1]!));
        // The quantize belongs to the first layer that reads the input, the dequantize to the layer that writes the output.
        Assert.Equal("stage0.rbr_dense.conv", Cell(tape, tape.Rows[0], "covers"));
        Assert.Equal("linear", Cell(tape, tape.Rows[^1], "covers"));
        var exec = profile.Session.ExecutionGraph;
        var accumulating = exec.Nodes.Where(n => n.Op is Conv2d or Linear).Select(n => n.Name).ToList();
        var requantizes = tape.Rows.Select((r, i) => (Row: r, Index: i)).Where(x => (string)x.Row[1]! == "Requantize").ToList();
        if (mode == Int8Mode.Fused)
        {
            Assert.Empty(requantizes);
            return;
        }
        Assert.Equal(accumulating.Select(n => n + ".requantize"), requantizes.Select(x => (string)x.Row[0]!));
        // Each right after its kernel, covering the same layers.
        Assert.All(requantizes, x => Assert.Equal((string)tape.Rows[x.Index - 1][0]! + ".requantize", (string)x.Row[0]!));
        Assert.All(requantizes, x => Assert.Equal(Cell(tape, tape.Rows[x.Index - 1], "covers"), Cell(tape, x.Row, "covers")));
    }

    /// <summary>
    /// stage1.0 as executed (re-parameterized, with bias): 16 -> 16 channels, 3x3, stride 2, from 16x16 to 8x8, by hand:
    /// int8 input 16·16·16 = 4096 B, int8 weights 16·16·3·3 = 2304 B, int32 bias 16·4 = 64 B, int8 output 16·8·8 = 1024 B;
    /// in addsum mode the kernel writes the int32 addsum (4·1024 B) and its requantize reads it back and writes 1024 B.
    /// The edges: 3·32·32 float32 in, int8 out; 10 int8 logits in, float32 out.
    /// </summary>
    [Theory]
    [InlineData(Int8Mode.Fused)]
    [InlineData(Int8Mode.Addsum)]
    public void ConvBytesMatchTheHandFormulaForInt8Types(Int8Mode mode)
    {
        var tape = ProfileReport.Create(int8.Of(mode), ProfileReportType.Tape);
        object?[] Row(string name) => tape.Rows.Single(r => (string)r[0]! == name);
        long MemR(string name) => Convert.ToInt64(Cell(tape, Row(name), "mem_r"));
        long MemW(string name) => Convert.ToInt64(Cell(tape, Row(name), "mem_w"));
        long input = 16 * 16 * 16, weights = 16 * 16 * 3 * 3, bias = 16 * 4, output = 16 * 8 * 8;
        Assert.Equal(input + weights + bias, MemR("stage1.0.rbr_reparam"));
        if (mode == Int8Mode.Fused)
        {
            Assert.Equal(output, MemW("stage1.0.rbr_reparam"));
        }
        else
        {
            Assert.Equal(4 * output, MemW("stage1.0.rbr_reparam"));
            Assert.Equal((4 * output, output), (MemR("stage1.0.rbr_reparam.requantize"), MemW("stage1.0.rbr_reparam.requantize")));
        }
        Assert.Equal((4L * 3 * 32 * 32, 3L * 32 * 32), (MemR("input.quantized"), MemW("input.quantized")));
        Assert.Equal((10L, 4L * 10), (MemR("linear.dequantized"), MemW("linear.dequantized")));
        Assert.Equal(Convert.ToInt64(Cell(tape, Row("stage1.0.rbr_reparam"), "mem_r")) + Convert.ToInt64(Cell(tape, Row("stage1.0.rbr_reparam"), "mem_w")),
            Convert.ToInt64(Cell(tape, Row("stage1.0.rbr_reparam"), "mem_rw")));
    }

    /// <summary>
    /// The same quantized model in both modes: the layers' identity, arithmetic and the seed's int8 model agree; each
    /// Conv2d/Linear layer reads and writes 4 bytes more per output (its addsum); the plan adds the addsums' bytes; only
    /// measured columns (time, counted bytes) and the kernels may differ besides.
    /// </summary>
    [Fact]
    public void FusedAndAddsumDifferOnlyInTheAddsumTraffic()
    {
        var fused = ProfileReport.Create(int8.Fused, ProfileReportType.Node);
        var addsum = ProfileReport.Create(int8.Addsum, ProfileReportType.Node);
        string[] same = ["name", "type", "covers", "in_shape", "out_shape", "params", "flops", "macc", "act_bytes_int8", "addsum_bytes_int32"];
        string[] measuredOrDerived = ["kernel", "latency_median_ms", "latency_p90_ms", "latency_min_ms", "gbps", "gflops", "intensity", "roofline_pct",
            "measured_bytes", "traffic_ratio", "net_dev_mem", "dev_mem_alloc", "dev_max_mem_alloc", "time_pct"];
        Assert.Equal(fused.Columns.Select(c => c.Key).Order(), same.Concat(measuredOrDerived).Concat(["mem_r", "mem_w", "mem_rw", "energy"]).Order());
        var model = int8.Graph;
        for (int i = 0; i < fused.Rows.Count; i++)
        {
            foreach (var key in same) Assert.Equal(Cell(fused, fused.Rows[i], key), Cell(addsum, addsum.Rows[i], key));
            var node = model.Nodes.Single(n => n.Name == (string)fused.Rows[i][0]!);
            long extra = node.Op is Conv2d or Linear ? 4 * model.OutputShape(node).Elements : 0;
            Assert.Equal(Convert.ToInt64(Cell(fused, fused.Rows[i], "mem_r")) + extra, Convert.ToInt64(Cell(addsum, addsum.Rows[i], "mem_r")));
            Assert.Equal(Convert.ToInt64(Cell(fused, fused.Rows[i], "mem_w")) + extra, Convert.ToInt64(Cell(addsum, addsum.Rows[i], "mem_w")));
        }
        var exec = int8.Fused.Session.ExecutionGraph;
        long addsums = exec.Nodes.Where(n => n.Op is Conv2d or Linear).Sum(n => 4 * exec.OutputShape(n).Elements);
        Assert.Equal(Convert.ToInt64(Cell(fused, fused.Totals!, "dev_mem_alloc")) + addsums, Convert.ToInt64(Cell(addsum, addsum.Totals!, "dev_mem_alloc")));
        Assert.True(Convert.ToInt64(Cell(addsum, addsum.Totals!, "dev_max_mem_alloc")) > Convert.ToInt64(Cell(fused, fused.Totals!, "dev_max_mem_alloc")));
    }

    [Fact]
    public void ReportStatesPrecisionModeAndCalibration()
    {
        var report = ProfileReport.Create(int8.Addsum, ProfileReportType.Root);
        var facts = report.Facts.ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal("int8", facts["precision"]);
        Assert.Equal("addsum", facts["mode"]);
        Assert.Contains("min/max", (string)facts["calibration"]!);
        Assert.Contains("int8 addsum", report.Title);
        Assert.Contains(report.Notes, n => n.Contains("activations and weights 1 per element"));
    }

    /// <summary>The memory columns come from the int8 plan: one byte an activation, the float32 input, and the edges' own buffers.</summary>
    [Fact]
    public void MemoryComesFromTheInt8Plan()
    {
        var tape = ProfileReport.Create(int8.Fused, ProfileReportType.Tape);
        long Memory(int row, string key) => Convert.ToInt64(Cell(tape, tape.Rows[row], key));
        // Quantize: the float32 input is alive, it adds its int8 copy; the first conv then adds its int8 output (16x16x16).
        Assert.Equal((4L * 3 * 32 * 32, 3L * 32 * 32), (Memory(0, "net_dev_mem"), Memory(0, "dev_mem_alloc")));
        Assert.Equal((4L * 3 * 32 * 32, 16L * 16 * 16), (Memory(1, "net_dev_mem"), Memory(1, "dev_mem_alloc")));
        var plan = int8.Fused.Session.Plan;
        Assert.Equal(StepMemory.Of(plan).Max(s => s.DevMaxMemAlloc), Memory(1, "dev_max_mem_alloc"));
        // Dequantize: the int8 logits are alive, it adds their float32 copy.
        Assert.Equal((10L, 40L), (Memory(tape.Rows.Count - 1, "net_dev_mem"), Memory(tape.Rows.Count - 1, "dev_mem_alloc")));
    }

    private static object? Cell(Report report, object?[] row, string key) => row[report.Columns.ToList().FindIndex(c => c.Key == key)];
}

/// <summary>
/// MobileNetV2 in int8 (residual Adds, depthwise convs) at 1x3x32x32, 10 classes, cpu: every report's totals equal the
/// conventions' formulas written in the test (<see cref="ConventionFormulas"/>; the model has torchvision's parameter count), in
/// both modes, and an Add's bytes are the int8 formula (reads both int8 inputs, writes the int8 output; no addsum).
/// </summary>
public class Int8ZooProfileTests
{
    /// <summary>
    /// torchvision's mobilenet_v2 has 3,504,872 parameters with 1,000 classes; its classifier is 1280·1000 + 1000 of them,
    /// so with 10 classes: 3,504,872 − 1,281,000 + 1280·10 + 10.
    /// </summary>
    private const long TorchvisionParams = 3_504_872 - 1_281_000 + 12_810;

    [Theory]
    [InlineData(Int8Mode.Fused)]
    [InlineData(Int8Mode.Addsum)]
    public void MobileNetV2Int8TotalsEqualTheFormulasAndTorchvision(Int8Mode mode)
    {
        var graph = WeightInitializer.Initialize(ModelZoo.Create("mobilenet_v2", new TensorShape(1, 3, 32, 32), 10), 1);
        var options = new SessionOptions { Device = "cpu", Precision = Precision.Int8, Int8Mode = mode };
        var quantized = Calibrator.Calibrate(graph, options, new CalibrationOptions { Samples = 1 });
        using var session = SessionFactory.Create(graph, options with { Quantization = quantized });
        var profile = SessionProfiler.Measure(session, RandomInput.Uniform(graph.Inputs[0].Shape, 1), new ProfileOptions(Warmup: 1, Runs: 1))
            with { MeasuredBytes = MeasuredTraffic.Count(session) };
        Assert.Equal(TorchvisionParams, ConventionFormulas.Total(graph).Params);
        foreach (var type in Enum.GetValues<ProfileReportType>())
        {
            // The tape has the executed layers (BatchNorm folded into the convs, activations fused); the leaves the model's
            // modules (no residual adds); the others every model layer.
            var expected = type == ProfileReportType.Tape ? ConventionFormulas.Total(session.ExecutionGraph)
                : ConventionFormulas.Total(graph, modulesOnly: type == ProfileReportType.Leaves);
            var report = ProfileReport.Create(profile, type);
            long Total(string key) => Convert.ToInt64(Cell(report, report.Totals!, key));
            Assert.True((Total("params"), Total("flops"), Total("macc")) == (expected.Params, expected.Flops, expected.Macc),
                $"{mode} {type}: params, flops, macc {(Total("params"), Total("flops"), Total("macc"))}, by the formulas {expected}");
        }
        var tape = ProfileReport.Create(profile, ProfileReportType.Tape);
        var add = tape.Rows.Single(r => (string)r[0]! == "features.3.add");
        long output = 24 * 8 * 8; // features.3 keeps 24 channels at 8x8
        Assert.Equal("Add", (string)add[1]!);
        Assert.Equal((2 * output, output), (Convert.ToInt64(Cell(tape, add, "mem_r")), Convert.ToInt64(Cell(tape, add, "mem_w"))));
    }

    private static object? Cell(Report report, object?[] row, string key) => row[report.Columns.ToList().FindIndex(c => c.Key == key)];
}
