using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;
using GpuEngine.Ops;
using GpuEngine.Profiling.Peer;
using GpuEngine.Tests.Loading;

namespace GpuEngine.Tests.Cli;

/// <summary><c>run --output</c> writes every graph output, each equal to ONNX Runtime's on the same file and input.</summary>
public class RunOutputTests
{
    [Fact]
    public void Run_output_writes_one_npy_per_graph_output()
    {
        var b = new GraphBuilder("two-outputs");
        var x = b.Input("input", new TensorShape(1, 3, 8, 8));
        x = b.Add("conv", Conv2d.Square(3, 4, 3, 1, 1), x);
        var features = b.Add("relu", new Relu(), x);
        x = b.Add("gap", new AdaptiveAvgPool2d(1), features);
        x = b.AddFunctional("flatten", new Flatten(), x);
        var logits = b.Add("fc", new Linear(4, 5), x);
        b.Output(features);
        b.Output(logits);
        var g = WeightInitializer.Initialize(b.Build(), 3);
        using var dir = new TempDir();
        OnnxFile.Save(g, dir.File("m.onnx"));
        var input = GpuEngine.Tests.Loading.TestData.Floats(new TensorShape(1, 3, 8, 8), 5);
        NpyFile.Write(dir.File("x.npy"), input);

        var (exit, _, error) = Gpuengine.Run("run", "--model", dir.File("m.onnx"), "--input", dir.File("x.npy"), "--device", "cpu", "--runs", "0", "--output", dir.File("out.npy"));
        Assert.True(exit == 0, error);

        using var peer = new OnnxRuntimePeer(File.ReadAllBytes(dir.File("m.onnx")), new PeerOptions(Optimize: false, Threads: 1));
        var expected = peer.Run(input);
        Assert.Equal(2, expected.Count);
        foreach (var (name, tensor) in expected)
        {
            var written = NpyFile.Read(dir.File($"out.{name}.npy"));
            Assert.Equal(tensor.Shape, written.Shape);
            RunOutputAssert.AssertCloseTo(tensor.Floats, written.Floats, name);
            Assert.Contains($"out.{name}.npy", error);
        }

        // A second run refuses to replace them, and writes nothing, unless --force.
        (exit, _, error) = Gpuengine.Run("run", "--model", dir.File("m.onnx"), "--input", dir.File("x.npy"), "--device", "cpu", "--runs", "0", "--output", dir.File("out.npy"));
        Assert.NotEqual(0, exit);
        Assert.Contains("already exists", error);
    }
}

internal static class RunOutputAssert
{
    public static void AssertCloseTo(float[] expected, float[] actual, string what)
    {
        double maxRef = expected.Max(v => Math.Abs((double)v)), maxErr = expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
        Assert.True(maxErr <= 1e-4 * Math.Max(maxRef, 1e-12), $"{what}: max |difference| {maxErr:G3} against max |value| {maxRef:G3}");
    }
}
