using System.Diagnostics;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;
using GpuEngine.Ops;
using GpuEngine.Zoo;
using Xunit.Abstractions;

namespace GpuEngine.Tests.Loading;

/// <summary>A fact that is skipped unless bench/reference has its node_modules (CI: <c>npm ci</c> there first).</summary>
public sealed class RequiresOnnxRuntimeFactAttribute : FactAttribute
{
    public RequiresOnnxRuntimeFactAttribute()
    {
        if (!Directory.Exists(Path.Combine(OnnxRuntimeReferenceTests.ReferenceDir, "node_modules", "onnxruntime-node")))
            Skip = "bench/reference/node_modules is absent: run 'npm ci' in bench/reference";
    }
}

/// <summary>
/// Exports graphs with random weights, runs them with ONNX Runtime through bench/reference/run.mjs, and compares
/// with a float64 reference computed here: checks the exporter, the runner and the .npy files end to end.
/// </summary>
public class OnnxRuntimeReferenceTests(ITestOutputHelper output)
{
    public static string ReferenceDir => Path.Combine(TestData.RepoRoot, "bench", "reference");

    [RequiresOnnxRuntimeFact]
    public void A_small_graph_matches_a_float64_reference() => Compare(SmallGraph(), 1e-5);

    [RequiresOnnxRuntimeFact]
    public void RepVgg_a0_train_matches_a_float64_reference() =>
        Compare(ModelZoo.Create("repvgg-a0-train", new TensorShape(1, 3, 32, 32), 10), 1e-4);

    [RequiresOnnxRuntimeFact]
    public void MobileNetV2_matches_a_float64_reference() =>
        Compare(ModelZoo.Create("mobilenet_v2", new TensorShape(1, 3, 32, 32), 10), 1e-4);

    private void Compare(Ir.Graph shapes, double tolerance)
    {
        var g = WeightInitializer.Initialize(shapes, 42);
        using var dir = new TempDir();
        var input = TestData.Floats(g.Inputs[0].Shape, 7);
        OnnxFile.Save(g, dir.File("m.onnx"));
        NpyFile.Write(dir.File("in.npy"), input);
        Run(dir.File("m.onnx"), dir.File("in.npy"), dir.File("out.npy"));
        var actual = NpyFile.Read(dir.File("out.npy"));
        var (shape, expected) = ReferenceForward.Run(g, input)[g.Outputs[0]];
        Assert.Equal(shape, actual.Shape);
        double maxRef = expected.Max(Math.Abs), maxErr = expected.Zip(actual.Floats, (e, a) => Math.Abs(e - a)).Max();
        double relative = maxErr / Math.Max(maxRef, 1e-12);
        output.WriteLine($"{g.Name}: max |ort - ref| = {maxErr:G3}, max |ref| = {maxRef:G3}, relative {relative:G3}");
        Assert.True(relative <= tolerance, $"{g.Name}: relative error {relative:G3} > {tolerance:G3}");
    }

    private static void Run(string model, string input, string output)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(ReferenceDir, "run.mjs"), model, input, output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(start)!;
        string stderr = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "run.mjs did not finish in 2 minutes");
        Assert.True(p.ExitCode == 0, $"run.mjs exited {p.ExitCode}: {stderr}");
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
