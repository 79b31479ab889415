using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Quantization;
using GpuEngine.Zoo;
using GpuEngine.Sessions;

namespace GpuEngine.Tests.Quantization;

/// <summary>
/// Issue 12 item 2: a quantized model records the input shape it was calibrated for. Before, `quantize --input 1x3x64x64`
/// run at 1x3x112x112 gave exit 0 and saturated logits: the global pool's rescale divides by the pixel count of the
/// calibration size. Another spatial size is refused naming both shapes; another batch is right (scales are per sample).
/// </summary>
public sealed class CalibratedShapeTests : IDisposable
{
    private static readonly CalibrationOptions Calib = new() { Samples = 2, Seed = 5 };
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"gpuengine-qshape-{Guid.NewGuid():N}");

    public CalibratedShapeTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Ir.Graph Model(TensorShape shape) => WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1", shape, 10), 21);

    private static QuantizedModel Quantize(TensorShape shape) =>
        Calibrator.Calibrate(Model(shape), new SessionOptions { Device = "cpu", Reparameterize = true }, Calib);

    private static SessionOptions Int8(QuantizedModel model) =>
        new() { Device = "cpu", Reparameterize = true, Precision = Precision.Int8, Quantization = model };

    [Fact]
    public void TheShapeIsSavedAndAnotherSpatialSizeIsRefusedNamingBoth()
    {
        var small = new TensorShape(1, 3, 64, 64);
        var path = Path.Combine(_dir, "n1-64.safetensors");
        Quantize(small).Save(path);
        var loaded = QuantizedModel.Load(path);
        Assert.Equal(small, loaded.InputShape);

        var e = Assert.Throws<ShapeMismatchException>(() => SessionFactory.Create(Model(new TensorShape(1, 3, 112, 112)), Int8(loaded)));
        Assert.Contains("1x3x64x64", e.Message);
        Assert.Contains("1x3x112x112", e.Message);

        var (exit, _, error) = Gpuengine.Run("run", "--model", "repvgg-n1", "--classes", "10", "--input", "1x3x112x112", "--device", "cpu",
            "--precision", "int8", "--quantized", path, "--runs", "0");
        Assert.Equal(2, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("1x3x64x64", error);
        Assert.Contains("1x3x112x112", error);
    }

    /// <summary>The data behind refusing: the global pool's multiplier is not the same at 64x64 (2x2 pixels) and 112x112 (4x4).</summary>
    [Fact]
    public void TheGlobalPoolRescaleDependsOnTheSpatialSize()
    {
        static (int, int) PoolRescale(int size)
        {
            var pool = Model(new TensorShape(1, 3, size, size)).Nodes.Single(n => n.Op is AdaptiveAvgPool2d { IsGlobal: true }).Name;
            var layer = Quantize(new TensorShape(1, 3, size, size)).Layers[pool];
            return (layer.Multipliers[0], layer.Shifts[0]);
        }
        Assert.NotEqual(PoolRescale(64), PoolRescale(112));
    }

    [Fact]
    public void AnotherBatchGivesEachSamplesBatchOneBits()
    {
        var one = new TensorShape(1, 3, 32, 32);
        var model = Quantize(one);
        var batch = RandomInput.Uniform(new TensorShape(3, 3, 32, 32), 9);
        using var batched = SessionFactory.Create(Model(new TensorShape(3, 3, 32, 32)), Int8(model));
        var all = batched.Run(batch).Floats;
        using var single = SessionFactory.Create(Model(one), Int8(model));
        int perSample = all.Length / 3;
        for (int n = 0; n < 3; n++)
        {
            var sample = Tensor.FromFloats(one, batch.Floats.AsSpan(n * 3 * 32 * 32, 3 * 32 * 32).ToArray());
            Assert.Equal(all.AsSpan(n * perSample, perSample).ToArray(), single.Run(sample).Floats);
        }
    }

    [Fact]
    public void AnOlderFileWithoutTheShapeRunsWithAWarning()
    {
        var shape = new TensorShape(1, 3, 32, 32);
        var q = Quantize(shape);
        var old = new QuantizedModel(q.Graph, q.Calibration, q.ActivationScales, q.Layers);
        var path = Path.Combine(_dir, "old.safetensors");
        old.Save(path);
        Assert.Null(QuantizedModel.Load(path).InputShape);
        var (exit, _, error) = Gpuengine.Run("run", "--model", "repvgg-n1", "--classes", "10", "--input", "1x3x32x32", "--device", "cpu",
            "--precision", "int8", "--quantized", path, "--runs", "0");
        Assert.True(exit == 0, error);
        Assert.Contains("records no input shape", error);
    }
}
