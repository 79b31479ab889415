using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Profiling.Reports;
using GpuEngine.Tests.Reference;
using GpuEngine.Quantization;
using GpuEngine.Sessions;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// Int8 sessions with the layout pass on ilgpu-cpu (the NHWC tensor-core conv's mma emulated by warp shuffles) against
/// the cpu backend's NCHW int8 session with the same quantized model: logits bit for bit, on a tiny RepVGG (five convs
/// of width 16 at 8×8, one NHWC region) and on a graph with a depthwise conv and a residual Add (both int8 modes). The
/// launches show the NHWC kernel inside the region, the dp4a kernel outside, and one conversion at each edge.
/// Slow on purpose-small shapes: ilgpu-cpu runs every lane as a thread.
/// </summary>
public class Int8NhwcSessionTests
{
    private static Ir.Graph TinyRepVgg()
    {
        var config = new RepVgg.Config("repvgg-tiny", [16, 16, 16, 16, 16], [1, 1, 1, 1, 1], new Dictionary<int, int>(), Seed: true);
        return WeightInitializer.Initialize(RepVgg.Build(config, new TensorShape(1, 3, 8, 8), 10, deploy: true), 16);
    }

    [Fact]
    public void TinyRepVgg_Nhwc_OnIlgpuCpu_EqualsTheCpuNchwSession()
    {
        var (launches, graph) = Compare(TinyRepVgg(), Int8Mode.Fused, seed: 31);
        // One region: every conv (the stem reads the quantized input through the entry copy), leaving before the global pool.
        var convs = graph.Nodes.Where(n => n.Op is Ops.Conv2d).Select(n => n.Name).ToHashSet();
        Assert.Equal(5, convs.Count);
        Assert.All(launches.Where(l => convs.Contains(l.Node.Name)), l => Assert.Same(IlgpuOnlyKernels.Int8TensorCoreConv2dNhwc, l.Kernel));
        Assert.Single(launches, l => l.Kernel == GeneratedKernels.Int8LayoutKernels_Int8NchwToNhwc);
        Assert.Single(launches, l => l.Kernel == GeneratedKernels.Int8LayoutKernels_Int8NhwcToNchw);
    }

    [Theory]
    [InlineData(Int8Mode.Fused)]
    [InlineData(Int8Mode.Addsum)]
    public void ResidualWithDepthwise_Nhwc_OnIlgpuCpu_EqualsTheCpuNchwSession(Int8Mode mode)
    {
        var (launches, _) = Compare(Int8LayoutPassTests.Mixed(), mode, seed: 32, readBack: ["conv2", "add", "point"]);
        string[] nhwc = ["conv1", "conv2", "point"];
        Assert.All(launches.Where(l => nhwc.Contains(l.Node.Name)), l => Assert.Same(IlgpuOnlyKernels.Int8TensorCoreConv2dNhwc, l.Kernel));
        Assert.All(launches.Where(l => l.Node.Name is "stem" or "dw"), l => Assert.Same(GeneratedKernels.Int8Conv2dKernels_Int8Conv2d, l.Kernel));
        Assert.Single(launches, l => l.Node.Name == "add" && l.Kernel == GeneratedKernels.Int8AddKernels_Int8Add);
        Assert.Equal(2, launches.Count(l => l.Kernel == GeneratedKernels.Int8LayoutKernels_Int8NchwToNhwc || l.Kernel == GeneratedKernels.Int8LayoutKernels_Int8NhwcToNchw));
    }

    [Fact]
    public void Profile_CountsTheConversionLaunches_WithTheirCosts()
    {
        var b = new GraphBuilder("two-convs");
        var x = b.Input("input", new TensorShape(1, 3, 4, 4));
        x = b.Add("stem", Conv2d.Square(3, 16, 3, 1, 1), x);
        x = b.Add("conv", Conv2d.Square(16, 16, 3, 1, 1), x);
        x = b.Add("pool", new AdaptiveAvgPool2d(new Size2(1, 1)), x);
        x = b.Add("flatten", new Flatten(), x);
        b.Add("fc", new Linear(16, 5), x);
        var graph = RandomWeights.Fill(b.Build(), 33);
        var options = new SessionOptions { Device = "cpu", Precision = Precision.Int8 };
        using var cpu = SessionFactory.Create(graph, options);
        using var session = new InferenceSession(graph, options with { Device = "ilgpu-cpu", Int8Layout = Int8Layout.Nhwc, Quantization = cpu.Quantization });
        var profile = SessionProfiler.Measure(session, RandomInput.Uniform(graph.Inputs[0].Shape, 34), new ProfileOptions(Warmup: 1, Runs: 1));
        var tape = ProfileReport.Create(profile, ProfileReportType.Tape);
        Assert.Equal(session.Launches.Select(l => l.Node.Name), tape.Rows.Select(r => (string)r[0]!));
        object? Cell(object?[] row, string key) => row[tape.Columns.ToList().FindIndex(c => c.Key == key)];
        var entry = Assert.Single(tape.Rows, r => (string)r[0]! == Int8LayoutPass.NhwcName("input"));
        var exit = Assert.Single(tape.Rows, r => (string)r[0]! == Int8LayoutPass.NchwName("conv"));
        // One byte an element read and one written: 3·4·4 at the entry, 16·4·4 at the exit; each belongs to the conv it touches.
        Assert.Equal(("Int8NchwToNhwc", "stem", 2.0 * 48), ((string)Cell(entry, "type")!, (string)Cell(entry, "covers")!, Convert.ToDouble(Cell(entry, "mem_rw"))));
        Assert.Equal(("Int8NhwcToNchw", "conv", 2.0 * 256), ((string)Cell(exit, "type")!, (string)Cell(exit, "covers")!, Convert.ToDouble(Cell(exit, "mem_rw"))));
    }

    [Fact]
    public void OnCpu_AutoNeverRunsThePass()
    {
        using var cpu = SessionFactory.Create(Int8LayoutPassTests.Mixed(), new SessionOptions { Device = "cpu", Precision = Precision.Int8, Reparameterize = true });
        Assert.Equal(Int8Layout.Auto, cpu.Options.Int8Layout);
        Assert.DoesNotContain(cpu.ExecutionGraph.Nodes, n => n.Op is Int8LayoutOp);
        Assert.DoesNotContain(cpu.Launches, l => l.Kernel.Name.StartsWith("Int8LayoutKernels", StringComparison.Ordinal));
    }

    /// <summary>Runs <paramref name="graph"/> int8 on cpu (NCHW) and on ilgpu-cpu (NHWC), asserts equal logits; returns the NHWC session's launches and graph.</summary>
    /// <remarks><paramref name="readBack"/>: NHWC intermediates whose ReadTensor must give the cpu session's NCHW bytes (both sessions then plan no memory, so every tensor survives the run).</remarks>
    private static (IReadOnlyList<GpuEngine.Execution.Launchers.KernelLaunch> Launches, Ir.Graph Graph) Compare(Ir.Graph graph, Int8Mode mode, int seed,
        string[]? readBack = null)
    {
        var input = RandomInput.Uniform(graph.Inputs[0].Shape, seed);
        var options = new SessionOptions { Device = "cpu", Precision = Precision.Int8, Int8Mode = mode, Reparameterize = true, PlanMemory = readBack is null };
        using var cpu = SessionFactory.Create(graph, options);
        Assert.DoesNotContain(cpu.ExecutionGraph.Nodes, n => n.Op is Int8LayoutOp);
        var expected = cpu.Run(input).Floats;
        using var nhwc = new InferenceSession(graph, options with { Device = "ilgpu-cpu", Int8Layout = Int8Layout.Nhwc, Quantization = cpu.Quantization });
        var actual = nhwc.Run(input).Floats;
        Assert.Contains(expected, v => v != expected[0]);
        Assert.Equal(expected, actual);
        foreach (var name in readBack ?? [])
        {
            Assert.Contains(name, Int8LayoutPass.NhwcTensors(nhwc.ExecutionGraph));
            Assert.Equal(cpu.ReadTensor(name).AsSpan<sbyte>().ToArray(), nhwc.ReadTensor(name).AsSpan<sbyte>().ToArray());
        }
        return ([.. nhwc.Launches], nhwc.ExecutionGraph);
    }
}
