using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;
using GpuEngine.Ops;
using GpuEngine.Zoo;
using GpuEngine.Execution;
using GpuEngine.Profiling.Peer;
using GpuEngine.Tests.Reference;

namespace GpuEngine.Tests.Loading;

/// <summary>
/// Exports graphs with random weights to .onnx files, runs them with ONNX Runtime in this process (Microsoft.ML.OnnxRuntime,
/// CPU, one thread, graph optimizations off so the numbers are the plain ops'), and compares ONNX Runtime with the float64
/// reference interpreter (exporter and file end to end) and the engine itself, on the best backend here, with ONNX
/// Runtime (issue 7: max relative error 1e-4 in fp32).
/// </summary>
public class OnnxRuntimeReferenceTests(ITestOutputHelper output)
{
    [Fact]
    public void A_small_graph_matches_a_float64_reference() => Compare(SmallGraph(), 1e-5);

    [Fact]
    public void RepVgg_a0_train_matches_a_float64_reference() =>
        Compare(ModelZoo.Create("repvgg-a0-train", new TensorShape(1, 3, 32, 32), 10), 1e-4);

    [Fact]
    public void RepVgg_a0_deploy_matches_a_float64_reference() =>
        Compare(ModelZoo.Create("repvgg-a0", new TensorShape(2, 3, 48, 48), 10), 1e-4);

    [Fact]
    public void MobileNetV2_matches_a_float64_reference() =>
        Compare(ModelZoo.Create("mobilenet_v2", new TensorShape(1, 3, 32, 32), 10), 1e-4);

    /// <summary>At 224 VGG11's last feature map (7x7) tiles AdaptiveAvgPool2d(7): the exporter writes an AveragePool.</summary>
    [Fact]
    public void Vgg11_matches_a_float64_reference() =>
        Compare(ModelZoo.Create("vgg11", new TensorShape(1, 3, 224, 224), 10), 1e-4, reference: false);

    /// <summary>
    /// At 64x64 the last feature map is 2x2, pooled to 7x7 by repeated, overlapping bins: the exporter folds the pool into
    /// classifier.0's Gemm. The float64 reference runs the unfolded graph, so the fold itself is checked too.
    /// </summary>
    [Fact]
    public void Vgg11_at_64x64_with_the_pool_folded_matches_a_float64_reference() =>
        Compare(ModelZoo.Create("vgg11", new TensorShape(1, 3, 64, 64), 10), 1e-4);

    /// <param name="reference">Also compare with the float64 interpreter (slow for VGG at 224: its 7.6 GMAC run in plain loops).</param>
    private void Compare(Ir.Graph shapes, double tolerance, bool reference = true)
    {
        var g = WeightInitializer.Initialize(shapes, 42);
        using var dir = new TempDir();
        var input = TestData.Floats(g.Inputs[0].Shape, 7);
        OnnxFile.Save(g, dir.File("m.onnx"));
        var ort = RunOnnxRuntime(dir.File("m.onnx"), input);
        Assert.Equal(g.Tensor(g.Outputs[0]).Shape, ort.Shape);
        if (reference)
            AssertClose(g.Name + ": ONNX Runtime vs float64", ReferenceInterpreter.Output(g, [.. input.Floats.Select(v => (double)v)]), ort.Floats, tolerance);

        // The engine reads the exported file, as a user would.
        var imported = ModelLoader.Load(dir.File("m.onnx"));
        using var session = new InferenceSession(imported);
        var engine = session.Run(input);
        AssertClose($"{g.Name}: GpuEngine ({session.Backend.Name}) vs ONNX Runtime", [.. ort.Floats.Select(v => (double)v)], engine.Floats, tolerance);
    }

    private void AssertClose(string what, double[] expected, float[] actual, double tolerance)
    {
        double maxRef = expected.Max(Math.Abs), maxErr = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        double relative = maxErr / Math.Max(maxRef, 1e-12);
        output.WriteLine($"{what}: max |difference| = {maxErr:G3}, max |reference| = {maxRef:G3}, relative {relative:G3}");
        Assert.True(relative <= tolerance, $"{what}: relative error {relative:G3} > {tolerance:G3}");
    }

    /// <summary>The file's first output from ONNX Runtime, as the removed Node.js runner computed it (1 thread, no graph optimizations).</summary>
    public static Tensor RunOnnxRuntime(string model, Tensor input)
    {
        using var peer = new OnnxRuntimePeer(File.ReadAllBytes(model), new PeerOptions(Optimize: false, Threads: 1));
        Assert.Equal(OnnxRuntimePeer.CpuProvider, peer.Provider);
        return peer.Run(input)[peer.OutputNames[0]];
    }

    /// <summary>conv+BN+ReLU, max and average pooling, a residual Add, ReLU6, GAP, flatten and two linear layers.</summary>
    private static Ir.Graph SmallGraph()
    {
        var b = new GraphBuilder("small");
        var x = b.Input("input", new TensorShape(2, 3, 12, 12));
        x = b.Add("conv", Conv2d.Square(3, 8, 3, 1, 1, bias: false), x);
        x = b.Add("bn", new BatchNorm2d(8), x);
        x = b.Add("relu", new Relu(), x);
        x = b.Add("pool", new MaxPool2d(2, 2, 0), x);
        var y = b.Add("dw", Conv2d.Square(8, 8, 3, 1, 1, groups: 8), x);
        y = b.Add("avg", new AvgPool2d(3, 1, 1, CountIncludePad: false), y);
        x = b.AddFunctional("add", new Add(), x, y);
        x = b.Add("relu6", new Relu6(), x);
        x = b.Add("gap", new AdaptiveAvgPool2d(1), x);
        x = b.AddFunctional("flatten", new Flatten(), x);
        x = b.Add("fc1", new Linear(8, 6), x);
        x = b.Add("drop", new Dropout(0.2f), x);
        x = b.Add("fc2", new Linear(6, 3), x);
        b.Output(x);
        return b.Build();
    }
}
