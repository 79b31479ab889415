using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;
using GpuEngine.Ops;
using GpuEngine.Passes;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Loading;

public class OnnxRoundTripTests
{
    [Theory]
    [InlineData("repvgg-a0-train")]
    [InlineData("repvgg-a0")]
    [InlineData("mobilenet_v2")]
    public void Export_then_import_gives_the_same_graph(string model)
    {
        var g = WeightInitializer.Initialize(ModelZoo.Create(model, new TensorShape(1, 3, 32, 32), 10), 11);
        AssertRoundTrip(g);
    }

    [Fact]
    public void A_vgg_style_graph_with_tiling_adaptive_pool_round_trips() =>
        AssertRoundTrip(WeightInitializer.Initialize(MiniVgg(28), 2));

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(20)]
    public void A_vgg_style_graph_exports_with_a_non_tiling_pool_folded_into_the_classifier(int size)
    {
        // Feature maps 1x1, 3x3 and 10x10: bins that repeat, overlap or differ in size, which no fixed-window AveragePool says.
        var g = WeightInitializer.Initialize(MiniVgg(size), 2);
        var folded = AdaptivePoolFolding.Apply(g);
        Assert.DoesNotContain(folded.Nodes, n => n.Op is AdaptiveAvgPool2d);
        AssertRoundTrip(g, expected: folded);
    }

    /// <summary>VGG's layout in miniature: conv, BN, ReLU, max pool, AdaptiveAvgPool2d(7), flatten, classifier.</summary>
    private static Ir.Graph MiniVgg(int size)
    {
        var b = new GraphBuilder("mini-vgg");
        var x = b.Input("input", new TensorShape(2, 3, size, size));
        x = b.Add("features.0", Conv2d.Square(3, 8, 3, 1, 1), x);
        x = b.Add("features.1", new BatchNorm2d(8), x);
        x = b.Add("features.2", new Relu(), x);
        x = b.Add("features.3", new MaxPool2d(2, 2, 0), x);
        x = b.Add("avgpool", new AdaptiveAvgPool2d(7), x);
        x = b.AddFunctional("flatten", new Flatten(), x);
        x = b.Add("classifier.0", new Linear(8 * 49, 16), x);
        x = b.Add("classifier.1", new Relu6(), x);
        x = b.Add("classifier.2", new Dropout(0.3f), x);
        x = b.Add("classifier.3", new Linear(16, 4), x);
        b.Output(x);
        return b.Build();
    }

    [Fact]
    public void An_adaptive_pool_that_does_not_tile_and_cannot_fold_is_refused_on_export()
    {
        var b = new GraphBuilder("pool-out");
        var x = b.Input("input", new TensorShape(1, 4, 5, 5));
        x = b.Add("conv", Conv2d.Square(4, 4, 3, 1, 1), x);
        b.Output(b.Add("avgpool", new AdaptiveAvgPool2d(3), x));
        var e = Assert.Throws<GpuEngineException>(() => OnnxExporter.Export(WeightInitializer.Initialize(b.Build(), 1)));
        Assert.Contains("'avgpool'", e.Message);
        Assert.Contains("no fixed window", e.Message);
    }

    [Fact]
    public void Save_refuses_to_overwrite_and_load_reads_the_file()
    {
        using var dir = new TempDir();
        var g = WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1", new TensorShape(1, 3, 32, 32), 5), 1);
        OnnxFile.Save(g, dir.File("m.onnx"));
        Assert.Throws<GpuEngineException>(() => OnnxFile.Save(g, dir.File("m.onnx")));
        OnnxFile.Save(g, dir.File("m.onnx"), overwrite: true);
        var back = ModelLoader.Load(dir.File("m.onnx"));
        TestData.AssertSameWeights(g, back);
        Assert.Equal(new TensorShape(4, 3, 64, 64), ModelLoader.Load(dir.File("m.onnx"), new TensorShape(4, 3, 64, 64)).Inputs[0].Shape);
    }

    /// <param name="expected">The graph the file should import as (default: <paramref name="exported"/> itself).</param>
    private static void AssertRoundTrip(Ir.Graph exported, Ir.Graph? expected = null)
    {
        var model = OnnxExporter.Export(exported);
        var g = expected ?? exported;
        var back = OnnxImporter.Import(OnnxFile.Parse(Google.Protobuf.MessageExtensions.ToByteArray(model), "rt.onnx"), "rt.onnx", null);
        Assert.Equal(g.Name, back.Name);
        Assert.Equal(g.Inputs, back.Inputs);
        Assert.Equal(g.Outputs, back.Outputs);
        Assert.Equal(g.Nodes.Count, back.Nodes.Count);
        for (int i = 0; i < g.Nodes.Count; i++)
        {
            Assert.Equal(g.Nodes[i].Name, back.Nodes[i].Name);
            Assert.Equal(g.Nodes[i].Op, back.Nodes[i].Op);
            Assert.Equal(g.Nodes[i].Inputs, back.Nodes[i].Inputs);
            Assert.Equal(g.Nodes[i].Output, back.Nodes[i].Output);
            Assert.Equal(g.Nodes[i].IsModule, back.Nodes[i].IsModule);
        }
        Assert.Equal(g.Scopes, back.Scopes);
        Assert.Equal(g.Tensors.Values.OrderBy(t => t.Name), back.Tensors.Values.OrderBy(t => t.Name));
        TestData.AssertSameWeights(g, back);
    }
}
