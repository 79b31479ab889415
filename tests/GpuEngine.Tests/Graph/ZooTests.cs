using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Graph;

public class ZooTests
{
    [Fact]
    public void EveryZooModelBuildsAtItsDefaultInputAndAtASmallOne()
    {
        foreach (var model in ModelZoo.All)
        {
            var graph = ModelZoo.Create(model.Name);
            Assert.Equal(new TensorShape(1, model.DefaultClasses), graph.Tensor(graph.Outputs[0]).Shape);
            var small = ModelZoo.Create(model.Name, new TensorShape(2, 3, 32, 32), 10);
            Assert.Equal(new TensorShape(2, 10), small.Tensor(small.Outputs[0]).Shape);
        }
    }

    /// <summary>Parameter counts that torchvision publishes for its models.</summary>
    [Theory]
    [InlineData("vgg11", 132_863_336)]
    [InlineData("vgg13", 133_047_848)]
    [InlineData("vgg16", 138_357_544)]
    [InlineData("vgg19", 143_667_240)]
    [InlineData("vgg11_bn", 132_868_840)]
    [InlineData("vgg16_bn", 138_365_992)]
    [InlineData("vgg19_bn", 143_678_248)]
    [InlineData("mobilenet_v2", 3_504_872)]
    public void ParameterCountsMatchTorchvision(string name, long parameters) =>
        Assert.Equal(parameters, ModelZoo.Create(name).ParameterCount);

    [Fact]
    public void LayerNamesFollowTheReferenceModulePaths()
    {
        var mobilenet = ModelZoo.Create("mobilenet_v2");
        var names = mobilenet.Nodes.Select(n => n.Name).ToHashSet();
        Assert.Contains("features.0.0", names);
        Assert.Contains("features.1.conv.0.0", names); // expansion 1: depthwise first
        Assert.Contains("features.2.conv.0.0", names);
        Assert.Contains("features.2.conv.1.0", names);
        Assert.Contains("features.2.conv.3", names);
        Assert.Contains("features.18.2", names);
        Assert.Contains("classifier.1", names);
        Assert.IsType<Conv2d>(mobilenet.Nodes.Single(n => n.Name == "features.2.conv.1.0").Op);
        Assert.True(((Conv2d)mobilenet.Nodes.Single(n => n.Name == "features.2.conv.1.0").Op).IsDepthwise);
        // Residual adds: stride-1 blocks with equal widths (10 of the 17 blocks in torchvision).
        Assert.Equal(10, mobilenet.Nodes.Count(n => n.Op is Add));

        var train = ModelZoo.Create("repvgg-a0-train").Nodes.Select(n => n.Name).ToHashSet();
        Assert.Contains("stage0.rbr_dense.conv", train);
        Assert.Contains("stage1.1.rbr_identity", train);
        Assert.DoesNotContain("stage1.0.rbr_identity", train); // stride 2: no identity branch
        Assert.Contains("stage4.0.rbr_1x1.bn", train);
        Assert.Contains("linear", train);
        Assert.Contains("stage3.13.rbr_reparam", ModelZoo.Create("repvgg-a0").Nodes.Select(n => n.Name));
    }

    [Fact]
    public void GroupedRepVggUsesGroupsOnTheOddLayers()
    {
        var g = ModelZoo.Create("repvgg-b1g4");
        var convs = g.Nodes.Select(n => n.Op).OfType<Conv2d>().ToList();
        // Layer index 1 is stage1.0 (groups 1), index 2 is stage1.1 (groups 4), as the repository's override map.
        Assert.Equal(1, convs[1].Groups);
        Assert.Equal(4, convs[2].Groups);
        Assert.Equal(1, convs[3].Groups);
    }

    [Fact]
    public void UnknownModelAndBadInputAreNamed()
    {
        Assert.Contains("'repvgg-z9'", Assert.Throws<GpuEngineException>(() => ModelZoo.Create("repvgg-z9")).Message);
        var channels = Assert.Throws<GpuEngineException>(() => ModelZoo.Create("vgg11", new TensorShape(1, 4, 32, 32))).Message;
        Assert.Contains("3 input channels", channels);
        Assert.Contains("1x4x32x32", channels);
    }

    /// <summary>
    /// VGG19 at 3x224x224 (counting-conventions.md §4): 16,542,184 activations counting the input and every
    /// conv, pool and linear output; 143,652,544 weights without biases.
    /// </summary>
    [Fact]
    public void Vgg19TotalsMatchTheSeed()
    {
        var g = ModelZoo.Create("vgg19");
        long activations = g.Inputs[0].Shape.Elements + g.Nodes
            .Where(n => n.Op is Conv2d or MaxPool2d or Linear)
            .Sum(n => g.OutputShape(n).Elements);
        long weights = g.Nodes.SelectMany(n => n.Op.Parameters).Where(p => p.Role == "weight").Sum(p => p.Shape.Elements);
        Assert.Equal(16_542_184, activations);
        Assert.Equal(143_652_544, weights);
    }
}
