using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Profiling.Costs;
using GpuEngine.Tests.Kernels;

namespace GpuEngine.Tests.Profiling;

/// <summary>
/// Concat, Transpose and Pad (all three modes) count 0 flops, and the bytes their kernels really move (the counting
/// run, summed over a Concat's per-input launches) are their analytic mem_r + mem_w on every device.
/// </summary>
[Collection(DataMovementTests.Collection)]
public class DataMovementCostTests
{
    public static TheoryData<string> Devices() => InferenceSessionDevices.Names();

    [Theory]
    [MemberData(nameof(Devices))]
    public void Data_movement_moves_exactly_its_analytic_bytes(string device)
    {
        var b = new GraphBuilder("moves");
        b.Input("x", new TensorShape(2, 5, 6, 3));
        b.Add("nchw", new Transpose([0, 3, 1, 2]), "x");
        b.Add("constant", new Pad(PadMode.Constant, [0, 0, 1, 1], [0, 0, 1, 1], 0.5f), "nchw");
        b.Add("reflect", new Pad(PadMode.Reflect, [0, 0, 1, 0], [0, 0, 1, 2]), "nchw");
        b.Add("cat", new Concat(1, 2), "constant", "reflect");
        b.Add("edge", new Pad(PadMode.Edge, [0, 0, 2, 0], [0, 0, 0, 3]), "cat");
        b.Output("edge");
        var graph = WeightInitializer.Initialize(b.Build(), 2);
        using var session = new InferenceSession(graph, new SessionOptions { Device = device, OptimizeGraph = false });
        var measured = MeasuredTraffic.Count(session);
        var exec = session.ExecutionGraph;
        var byNode = session.Launches.Select((l, i) => (l.Node, Bytes: measured[i])).GroupBy(p => p.Node.Name).ToDictionary(g => g.Key, g => g.Sum(p => p.Bytes));
        Assert.Equal(2, session.Launches.Count(l => l.Node.Name == "cat"));
        foreach (var node in exec.Nodes)
        {
            var cost = CostModel.Layer(exec, node);
            Assert.Equal(0, cost.Flops);
            Assert.True(cost.MemRw == byNode[node.Name], $"{node.Name} on {device}: measured {byNode[node.Name]} bytes, analytic {cost.MemRw}");
        }
        // Hand-worked: constant mode reads the 2·3·5·6 = 180 input elements and writes 2·3·7·8 = 336.
        Assert.Equal(4 * (180 + 336), CostModel.Layer(exec, exec.Nodes.Single(n => n.Name == "constant")).MemRw);
    }
}
