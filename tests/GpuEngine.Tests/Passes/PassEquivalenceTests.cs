using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Passes;
using GpuEngine.Tests.Reference;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Passes;

public class PassEquivalenceTests
{
    private static readonly TensorShape Small = new(2, 3, 24, 24);

    /// <summary>A small grouped RepVGG (groups 2 on layers 2 and 4) so the identity-in-group case is exercised cheaply.</summary>
    private static readonly RepVgg.Config Grouped = new("repvgg-test-g2", [8, 8, 16, 16, 32], [1, 2, 2, 2, 1],
        new Dictionary<int, int> { [2] = 2, [4] = 2 }, Seed: false);

    public static TheoryData<string> TrainModels => ["repvgg-n1-train", "repvgg-a0-train", "repvgg-m1-train"];

    [Theory]
    [MemberData(nameof(TrainModels))]
    public void ReparameterizedRepVggEqualsTheTrainTimeGraph(string model)
    {
        var train = RandomWeights.Fill(ModelZoo.Create(model, Small, 10), seed: model.Length);
        AssertSameOutputs(train, RepVggReparameterization.Apply(train), 1e-5);
    }

    [Fact]
    public void ReparameterizedGroupedRepVggEqualsTheTrainTimeGraph()
    {
        var train = RandomWeights.Fill(RepVgg.Build(Grouped, Small, 7, deploy: false), seed: 3);
        AssertSameOutputs(train, RepVggReparameterization.Apply(train), 1e-5);
    }

    [Fact]
    public void ReparameterizedGraphHasTheDeployZooLayout()
    {
        var deploy = RepVggReparameterization.Apply(ModelZoo.Create("repvgg-a0-train"));
        var zoo = ModelZoo.Create("repvgg-a0");
        Assert.Equal(zoo.Nodes.Select(n => (n.Name, n.Op)), deploy.Nodes.Select(n => (n.Name, n.Op)));
        Assert.Equal(zoo.Parameters.Keys.Order(), deploy.Parameters.Keys.Order());
        Assert.Contains("stage1.1.rbr_identity", deploy.Nodes.Single(n => n.Name == "stage1.1.rbr_reparam").Layers);
    }

    [Theory]
    [InlineData("mobilenet_v2")]
    [InlineData("vgg11_bn")]
    public void FoldingBatchNormKeepsTheOutputs(string model)
    {
        // VGG halves the input five times: 32 is its smallest.
        var graph = RandomWeights.Fill(ModelZoo.Create(model, new TensorShape(1, 3, 32, 32), 10), seed: 11);
        var folded = BatchNormFolding.Apply(graph);
        Assert.DoesNotContain(folded.Nodes, n => n.Op is BatchNorm2d);
        AssertSameOutputs(graph, folded, 1e-5);
    }

    [Fact]
    public void FusingActivationsKeepsTheOutputsAndTracesLayers()
    {
        var graph = RandomWeights.Fill(ModelZoo.Create("mobilenet_v2", Small, 10), seed: 5);
        var fused = ActivationFusion.Apply(BatchNormFolding.Apply(graph));
        Assert.DoesNotContain(fused.Nodes, n => n.Op is Relu6);
        Assert.Equal(["features.0.0", "features.0.1", "features.0.2"], fused.Nodes[0].Layers);
        // Every original layer is covered by exactly one node of the fused graph.
        Assert.Equal(graph.Nodes.Select(n => n.Name).Order(), fused.Nodes.SelectMany(n => n.Layers).Order());
        AssertSameOutputs(graph, fused, 1e-5);
    }

    [Theory]
    [InlineData(2, 2)]   // upsampling: bins repeat and overlap (VGG at 64x64)
    [InlineData(3, 5)]   // bins of different sizes, rows unlike columns
    [InlineData(10, 9)]  // downsampling without a fixed window
    [InlineData(14, 14)] // tiling: a plain 2x2 average pool
    public void FoldingAdaptivePoolingIntoTheLinearKeepsTheOutputs(int h, int w)
    {
        var graph = RandomWeights.Fill(PoolFlattenLinear(h, w), seed: h * 31 + w);
        var folded = AdaptivePoolFolding.Apply(graph);
        Assert.DoesNotContain(folded.Nodes, n => n.Op is AdaptiveAvgPool2d);
        var fc = folded.Nodes.Single(n => n.Name == "classifier.0");
        Assert.Equal(new Linear(6 * h * w, 16), fc.Op);
        Assert.Equal(["avgpool", "classifier.0"], fc.Layers);
        Assert.Equal(graph.Nodes.Count - 1, folded.Nodes.Count);
        AssertSameOutputs(graph, folded, 1e-5);
    }

    [Fact]
    public void AdaptivePoolingIsFoldedOnlyWhereAskedAndBeforeFlattenAndLinear()
    {
        var graph = RandomWeights.Fill(PoolFlattenLinear(2, 2), seed: 1);
        Assert.Contains(AdaptivePoolFolding.Apply(graph, (_, _) => false).Nodes, n => n.Op is AdaptiveAvgPool2d);
        var b = new GraphBuilder("pool-then-conv");
        var x = b.Input("input", new TensorShape(1, 3, 4, 4));
        x = b.Add("avgpool", new AdaptiveAvgPool2d(7), x);
        b.Output(b.Add("conv", Conv2d.Square(3, 2, 1, 1, 0), x));
        Assert.Contains(AdaptivePoolFolding.Apply(b.Build()).Nodes, n => n.Op is AdaptiveAvgPool2d);
    }

    /// <summary>conv -> AdaptiveAvgPool2d(7) -> flatten -> Linear -> ReLU -> Linear, VGG's head on an HxW map, batch 2.</summary>
    private static Ir.Graph PoolFlattenLinear(int h, int w)
    {
        var b = new GraphBuilder("pool-flatten-linear");
        var x = b.Input("input", new TensorShape(2, 3, h, w));
        x = b.Add("features.0", Conv2d.Square(3, 6, 3, 1, 1), x);
        x = b.Add("avgpool", new AdaptiveAvgPool2d(7), x);
        x = b.AddFunctional("flatten", new Flatten(), x);
        x = b.Add("classifier.0", new Linear(6 * 49, 16), x);
        x = b.Add("classifier.1", new Relu(), x);
        b.Output(b.Add("classifier.2", new Linear(16, 5), x));
        return b.Build();
    }

    [Fact]
    public void PassesWorkOnGraphsWithoutWeights()
    {
        var graph = ActivationFusion.Apply(BatchNormFolding.Apply(RepVggReparameterization.Apply(ModelZoo.Create("repvgg-b1g2-train"))));
        Assert.Empty(graph.Weights);
        Assert.All(graph.Nodes.Where(n => n.Op is Conv2d), n => Assert.Equal(Activation.Relu, ((Conv2d)n.Op).Fused));
    }

    private static void AssertSameOutputs(Ir.Graph expectedGraph, Ir.Graph actualGraph, double tolerance)
    {
        var input = RandomWeights.Input(expectedGraph.Inputs[0].Shape, seed: 99);
        var expected = ReferenceInterpreter.Output(expectedGraph, input);
        var actual = ReferenceInterpreter.Output(actualGraph, input);
        OutputComparison.AssertMaxRelative(expected, actual, tolerance, actualGraph.Name);
    }
}
