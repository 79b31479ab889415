using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Profiling.Costs;
using GpuEngine.Quantization;
using GpuEngine.Tests.Reference;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// The int8 layout pass as a graph rewrite (no device): which nodes go NHWC, one conversion at each region edge, the
/// planner planning the copies with NCHW's bytes, the profiler costing them, and Auto never running it without tensor cores.
/// </summary>
public class Int8LayoutPassTests
{
    /// <summary>conv 3→16, depthwise 16, two convs 16→16, residual Add, a 1×1 conv, global pool, fc.</summary>
    internal static Ir.Graph Mixed()
    {
        var b = new GraphBuilder("mixed");
        var x = b.Input("input", new TensorShape(1, 3, 8, 8));
        x = b.Add("stem", Conv2d.Square(3, 16, 3, 1, 1), x);
        x = b.Add("dw", Conv2d.Square(16, 16, 3, 1, 1, groups: 16), x);
        var y = b.Add("conv1", Conv2d.Square(16, 16, 3, 1, 1), x);
        y = b.Add("conv2", Conv2d.Square(16, 16, 3, 1, 1), y);
        y = b.Add("add", new Add(), x, y);
        y = b.Add("point", Conv2d.Square(16, 16, 1), y);
        y = b.Add("pool", new AdaptiveAvgPool2d(new Size2(1, 1)), y);
        y = b.Add("flatten", new Flatten(), y);
        b.Add("fc", new Linear(16, 5), y);
        return RandomWeights.Fill(b.Build(), 21);
    }

    private static readonly SessionOptions Nhwc = new() { Precision = Precision.Int8, Int8Layout = Int8Layout.Nhwc, Reparameterize = true };

    [Fact]
    public void Regions_SkipDepthwiseAndLoneConvs_OneConversionPerEdge()
    {
        var program = ModelCompiler.Compile(Mixed(), Nhwc);
        var graph = program.ExecutionGraph;
        var conversions = graph.Nodes.Where(n => n.Op is Int8LayoutOp).ToList();
        // The stem is a region of one (the depthwise conv after it stays NCHW): NCHW. The region conv1, conv2, add, point
        // enters at the depthwise output (read by conv1 and by add: one copy) and leaves at point's output (read by the pool).
        var entry = Assert.Single(conversions, n => ((Int8LayoutOp)n.Op).ToNhwc);
        var exit = Assert.Single(conversions, n => !((Int8LayoutOp)n.Op).ToNhwc);
        Assert.Equal(2, conversions.Count);
        Assert.Equal(["dw"], entry.Inputs);
        Assert.Equal(["point"], exit.Inputs);
        Assert.Equal([entry.Output], graph.Nodes.Single(n => n.Name == "conv1").Inputs);
        Assert.Equal([entry.Output, "conv2"], graph.Nodes.Single(n => n.Name == "add").Inputs);
        Assert.Equal([exit.Output], graph.Nodes.Single(n => n.Name == "pool").Inputs);
        var nhwc = Int8LayoutPass.NhwcTensors(graph);
        Assert.Equal(new HashSet<string> { entry.Output, "conv1", "conv2", "add", "point" }, nhwc);
        Assert.DoesNotContain("stem", nhwc);
        Assert.DoesNotContain("dw", nhwc);
    }

    [Fact]
    public void ThePlanHoldsTheCopies_WithTheirNchwBytes_AndTheProfilerCostsThem()
    {
        var program = ModelCompiler.Compile(Mixed(), Nhwc);
        var plan = program.Plan;
        var precision = CostPrecision.Of(plan.Options);
        foreach (var node in program.ExecutionGraph.Nodes.Where(n => n.Op is Int8LayoutOp))
        {
            var copy = plan.Tensor(node.Output);
            var source = plan.Tensor(node.Inputs[0]);
            Assert.Equal(DataType.Int8, copy.DataType);
            Assert.Equal(source.Bytes, copy.Bytes);
            Assert.Equal(16 * 8 * 8, copy.Bytes);
            var cost = Assert.Single(CostModel.Steps(program.ExecutionGraph, node, precision));
            Assert.Equal((0L, 0L, copy.Bytes, copy.Bytes), (cost.Flops, cost.Macc, cost.MemR, cost.MemW));
            Assert.Equal(node.Op.TypeName, cost.Type);
        }
        Assert.Contains(plan.Steps, s => s.TypeName == "Int8NchwToNhwc");
    }

    [Fact]
    public void Auto_RunsThePassOnlyWithInt8TensorCores_NchwNever()
    {
        var int8 = new SessionOptions { Precision = Precision.Int8 };
        Assert.False(ModelCompiler.UsesNhwc(int8, int8TensorCores: false));
        Assert.True(ModelCompiler.UsesNhwc(int8, int8TensorCores: true));
        Assert.False(ModelCompiler.UsesNhwc(int8 with { Int8Layout = Int8Layout.Nchw }, int8TensorCores: true));
        Assert.True(ModelCompiler.UsesNhwc(int8 with { Int8Layout = Int8Layout.Nhwc }, int8TensorCores: false));
        Assert.False(ModelCompiler.UsesNhwc(new SessionOptions { Int8Layout = Int8Layout.Nhwc }, int8TensorCores: true));
        var auto = ModelCompiler.Compile(Mixed(), int8 with { Reparameterize = true });
        Assert.DoesNotContain(auto.ExecutionGraph.Nodes, n => n.Op is Int8LayoutOp);
    }

    [Fact]
    public void NoRegionThatPays_LeavesTheGraphAsItIs()
    {
        var b = new GraphBuilder("lone");
        var x = b.Input("input", new TensorShape(1, 3, 6, 6));
        x = b.Add("conv", Conv2d.Square(3, 16, 3, 1, 1), x);
        x = b.Add("pool", new AdaptiveAvgPool2d(new Size2(1, 1)), x);
        x = b.Add("flatten", new Flatten(), x);
        b.Add("fc", new Linear(16, 4), x);
        var graph = RandomWeights.Fill(b.Build(), 3);
        var program = ModelCompiler.Compile(graph, Nhwc);
        Assert.DoesNotContain(program.ExecutionGraph.Nodes, n => n.Op is Int8LayoutOp);
    }
}
