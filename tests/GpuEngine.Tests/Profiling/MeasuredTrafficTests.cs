using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Profiling.Costs;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Quantization;
using GpuEngine.Tests.Kernels;
using GpuEngine.Zoo;
using GpuEngine.Sessions;

namespace GpuEngine.Tests.Profiling;

/// <summary>
/// The counting run on every backend: simple kernels move exactly their analytic bytes, shared memory is not device
/// traffic, and a whole model counts the same on every backend without changing its output.
/// </summary>
public class MeasuredTrafficTests
{
    public static TheoryData<string> Devices() => InferenceSessionDevices.Names();

    public static TheoryData<string, Precision> ModelCases()
    {
        var data = new TheoryData<string, Precision>();
        foreach (var device in InferenceSessionDevices.List().Where(d => d != "cpu"))
            foreach (var precision in new[] { Precision.Fp32, Precision.Int8 }) data.Add(device, precision);
        return data;
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void SimpleKernelsMoveExactlyTheirAnalyticBytes(string device)
    {
        var b = new GraphBuilder("simple");
        b.Input("x", new TensorShape(2, 3, 8, 8));
        b.Add("bn", new BatchNorm2d(3), "x");
        b.Add("relu", new Relu(), "bn");
        b.Add("add", new Add(), "relu", "bn");
        b.Add("max", new MaxPool2d(2, 2, 0), "add");
        b.Add("gap", new AdaptiveAvgPool2d(1), "max");
        b.Output("gap");
        var graph = WeightInitializer.Initialize(b.Build(), 2);
        // No folding or fusion: every op keeps its own launch.
        using var session = SessionFactory.Create(graph, new SessionOptions { Device = device, OptimizeGraph = false });
        var measured = MeasuredTraffic.Count(session);
        var exec = session.ExecutionGraph;
        Assert.Equal(5, session.Launches.Count);
        for (int i = 0; i < session.Launches.Count; i++)
        {
            var node = session.Launches[i].Node;
            long elements = exec.InputShape(node).Elements;
            // Each element reads its channel's gamma, beta, mean and variance; the analytic count reads the two
            // parameters once (running statistics are buffers, as RASP counts them).
            long expected = node.Op is BatchNorm2d ? 4 * (elements + 4 * elements + elements) : CostModel.Layer(exec, node).MemRw;
            Assert.True(expected == measured[i], $"{node.Name} on {device}: measured {measured[i]} bytes, expected {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void AddMatchesAnalyticAndLinearCountsNoSharedMemory(string device)
    {
        var graph = WeightInitializer.Initialize(ModelZoo.Create("mobilenet_v2", new TensorShape(1, 3, 32, 32)), 3);
        using var session = SessionFactory.Create(graph, new SessionOptions { Device = device });
        var measured = MeasuredTraffic.Count(session);
        var exec = session.ExecutionGraph;
        for (int i = 0; i < session.Launches.Count; i++)
        {
            var node = session.Launches[i].Node;
            if (node.Op is Add)
                Assert.Equal(CostModel.Layer(exec, node).MemRw, measured[i]);
            if (node.Op is Linear linear && session.Launches[i].Kernel.Name.EndsWith("LinearRows"))
            {
                // Each output reads the input row and its weight row once (the input is re-read per output: the
                // traffic the analytic count does not see), plus bias and output; the partial sums stay in shared memory.
                long inF = exec.InputShape(node).Elements, outF = exec.OutputShape(node).Elements;
                Assert.Equal(4 * (2 * inF * outF + 2 * outF), measured[i]);
            }
        }
        Assert.Contains(session.Launches, l => l.Node.Op is Add);
    }

    [Theory]
    [MemberData(nameof(ModelCases))]
    public void RepVggA0_CountsWhatTheCpuCounts_AndKeepsItsOutput(string device, Precision precision)
    {
        var shape = new TensorShape(1, 3, 32, 32);
        var graph = WeightInitializer.Initialize(ModelZoo.Create("repvgg-a0", shape, 10), 4);
        var options = new SessionOptions { Precision = precision };
        if (precision == Precision.Int8)
            options = options with { Quantization = Calibrator.Calibrate(graph, new SessionOptions { Device = "cpu" }, new CalibrationOptions { Samples = 2 }) };
        var input = RandomInput.Uniform(shape, 6);
        using var cpu = SessionFactory.Create(graph, options with { Device = "cpu" });
        using var session = SessionFactory.Create(graph, options with { Device = device });

        var expected = MeasuredTraffic.Count(cpu);
        var plain = session.Run(input).Floats.ToArray();
        session.WriteInput(session.InputMetadata[0].Name, input);
        var measured = MeasuredTraffic.Count(session);
        var counted = session.ReadTensor(OutputName(session)).Floats.ToArray();

        Assert.Equal(expected, measured);
        Assert.True(plain.AsSpan().SequenceEqual(counted), "the counting run changed the model's output");
        Assert.Contains(session.Launches, l => l.Kernel.Name.StartsWith(precision == Precision.Int8 ? "Int8Conv2d" : "Conv2d", StringComparison.Ordinal));
    }

    private static string OutputName(InferenceSession session) =>
        session.Quantization is null ? session.OutputMetadata[0].Name : InferenceSession.DequantizedName(session.OutputMetadata[0].Name);
}
