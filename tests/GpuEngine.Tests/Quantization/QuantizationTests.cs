using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Quantization;
using GpuEngine.Tests.Kernels;
using GpuEngine.Tests.Reference;
using GpuEngine.Zoo;
using GpuEngine.Sessions;

namespace GpuEngine.Tests.Quantization;

public class QuantizationTests
{
    private static readonly CalibrationOptions Calib = new() { Samples = 4, Seed = 3 };

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.999)]
    [InlineData(0.123456789)]
    [InlineData(3.1e-3)]
    [InlineData(7.7e-7)]
    [InlineData(2.0e-9)]
    public void MultiplierAndShiftEncodeTheRealFactor(double real)
    {
        var (m, shift) = QuantMath.QuantizeMultiplier(real);
        Assert.InRange(m, 1 << 30, int.MaxValue);
        Assert.InRange(shift, 0, 31);
        double encoded = m / 2147483648.0 / Math.Pow(2, shift);
        Assert.True(Math.Abs(encoded - real) <= real * Math.Pow(2, -30), $"{real}: {m}·2^-31·2^-{shift} = {encoded}");
    }

    [Fact]
    public void MultiplierOfZeroOrTinyFactorsGivesZeroAndOneIsRefused()
    {
        Assert.Equal((0, 0), QuantMath.QuantizeMultiplier(0));
        Assert.Equal((0, 0), QuantMath.QuantizeMultiplier(1e-12));
        Assert.Throws<GpuEngineException>(() => QuantMath.QuantizeMultiplier(1.0));
    }

    private static Ir.Graph Tiny()
    {
        var b = new GraphBuilder("tiny");
        var x = b.Input("input", new TensorShape(2, 3, 9, 7));
        x = b.Add("conv", Conv2d.Square(3, 8, 3, 1, 1), x);
        x = b.Add("relu", new Relu(), x);
        x = b.Add("pool", new AdaptiveAvgPool2d(new Size2(1, 1)), x);
        x = b.Add("flatten", new Flatten(), x);
        b.Add("fc", new Linear(8, 5), x);
        return RandomWeights.Fill(b.Build(), 11);
    }

    /// <summary>
    /// The int8 session against the integer reference fed by <see cref="StatedRule"/>: scales, weights, biases and
    /// multipliers worked out in the test from the float weights and the calibrated ranges, never taken from the
    /// quantizer, so a wrong quantizer or a wrong kernel both fail here.
    /// </summary>
    [Theory]
    [InlineData(Int8Mode.Fused)]
    [InlineData(Int8Mode.Addsum)]
    public void TinyGraphMatchesAnIndependentIntegerReference(Int8Mode mode)
    {
        var graph = Tiny();
        // PlanMemory = false: every intermediate keeps its own buffer, so each layer can be read back after the run.
        var options = new SessionOptions { Device = "cpu", Int8Mode = mode, PlanMemory = false };
        var (exec, ranges) = Calibrator.Measure(graph, options, Calib);
        var model = Quantizer.Quantize(exec, ranges, Calib.Describe());
        using var session = SessionFactory.Create(graph, options with { Precision = Precision.Int8, Quantization = model });
        var input = RandomInput.Uniform(graph.Inputs[0].Shape, 5);
        var logits = session.Run(input).Floats;
        var nodes = session.ExecutionGraph.Nodes;
        var conv = nodes.Single(n => n.Op is Conv2d);
        Assert.Equal(Activation.Relu, ((Conv2d)conv.Op).Fused);
        var pool = nodes.Single(n => n.Op is AdaptiveAvgPool2d);
        var fc = nodes.Single(n => n.Op is Linear);

        float inputScale = StatedRule.Scale(ranges["input"]);
        var (convLayer, convScale) = StatedRule.Weighted(graph.Weight("conv.weight").Floats, graph.Weight("conv.bias").Floats, 8, inputScale, ranges[conv.Output], Activation.Relu);
        var (poolLayer, poolScale) = StatedRule.GlobalPool(convScale, 63, ranges[pool.Output]);
        var (fcLayer, fcScale) = StatedRule.Weighted(graph.Weight("fc.weight").Floats, graph.Weight("fc.bias").Floats, 5, poolScale, ranges[fc.Output]);
        Assert.Equal(new[] { inputScale, convScale, poolScale, fcScale }, new[] { model.Scale("input"), model.Scale(conv.Output), model.Scale(pool.Output), model.Scale(fc.Output) });
        AssertSameLayer(convLayer, model.Layer(conv));
        AssertSameLayer(poolLayer, model.Layer(pool));
        AssertSameLayer(fcLayer, model.Layer(fc));

        var q = IntegerReference.Quantize(input.Floats, inputScale);
        var c = IntegerReference.Conv(q, 2, 3, 9, 7, convLayer, 8, 3, 1);
        var p = IntegerReference.GlobalAvgPool(c, 16, 63, poolLayer);
        var y = IntegerReference.Linear(p, 2, 8, 5, fcLayer);

        Assert.Equal(q, session.ReadTensor(InferenceSession.QuantizedName("input")).AsSpan<sbyte>().ToArray());
        Assert.Equal(c, session.ReadTensor(conv.Output).AsSpan<sbyte>().ToArray());
        Assert.Equal(p, session.ReadTensor(pool.Output).AsSpan<sbyte>().ToArray());
        Assert.Equal(y, session.ReadTensor(fc.Output).AsSpan<sbyte>().ToArray());
        Assert.Equal(y.Select(v => v * fcScale).ToArray(), logits);
        Assert.Contains(y, v => v != 0);
    }

    /// <summary>The quantizer's layer equals the one <see cref="StatedRule"/> gives (a clearer failure than a wrong output).</summary>
    private static void AssertSameLayer(ReferenceLayer expected, QuantizedLayer actual)
    {
        Assert.Equal(expected.Weight, actual.Weight?.AsSpan<sbyte>().ToArray() ?? []);
        Assert.Equal(expected.Bias, actual.Bias?.AsSpan<int>().ToArray() ?? []);
        Assert.Equal(expected.WeightScales, actual.WeightScales);
        Assert.Equal(expected.Multipliers, actual.Multipliers);
        Assert.Equal(expected.Shifts, actual.Shifts);
        Assert.Equal((expected.ClampMin, expected.ClampMax), (actual.ClampMin, actual.ClampMax));
    }

    [Fact]
    public void Int8IsBitExactAcrossBackendsAndModes()
    {
        var shape = new TensorShape(1, 3, 32, 32);
        var graph = WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1", shape, 10), 4);
        var model = Calibrator.Calibrate(graph, new SessionOptions { Device = "cpu" }, Calib);
        var input = RandomInput.Uniform(shape, 6);
        AssertBitExactAcrossBackendsAndModes(graph, model, input, "repvgg-n1");
    }

    [Fact]
    public void QuantizedModelRoundTripsThroughSafetensors()
    {
        var graph = Tiny();
        var model = Calibrator.Calibrate(graph, new SessionOptions { Device = "cpu" }, Calib with { Method = CalibrationMethod.Percentile });
        var path = Path.Combine(Path.GetTempPath(), $"gpuengine-quant-{Guid.NewGuid():N}.safetensors");
        try
        {
            model.Save(path);
            Assert.Throws<GpuEngineException>(() => model.Save(path));
            var loaded = QuantizedModel.Load(path);
            Assert.Equal(model.Calibration, loaded.Calibration);
            Assert.Equal(model.ActivationScales.OrderBy(p => p.Key), loaded.ActivationScales.OrderBy(p => p.Key));
            foreach (var (name, layer) in model.Layers)
            {
                var other = loaded.Layers[name];
                Assert.Equal(layer.Multipliers, other.Multipliers);
                Assert.Equal(layer.Shifts, other.Shifts);
                Assert.Equal(layer.WeightScales, other.WeightScales);
                Assert.Equal((layer.ClampMin, layer.ClampMax), (other.ClampMin, other.ClampMax));
                Assert.Equal(layer.Weight?.AsSpan<sbyte>().ToArray(), other.Weight?.AsSpan<sbyte>().ToArray());
                Assert.Equal(layer.Bias?.AsSpan<int>().ToArray(), other.Bias?.AsSpan<int>().ToArray());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>conv+ReLU, 2×2 max pool, conv, residual Add with a fused ReLU, adaptive pool 4×4 → 3×3 (overlapping bins), Linear.</summary>
    private static Ir.Graph Residual()
    {
        var b = new GraphBuilder("residual");
        var x = b.Input("input", new TensorShape(2, 3, 8, 8));
        x = b.Add("conv1", Conv2d.Square(3, 8, 3, 1, 1), x);
        x = b.Add("relu1", new Relu(), x);
        var pooled = b.Add("pool", new MaxPool2d(2, 2, 0), x);
        var y = b.Add("conv2", Conv2d.Square(8, 8, 3, 1, 1), pooled);
        y = b.Add("add", new Add(), pooled, y);
        y = b.Add("relu2", new Relu(), y);
        y = b.Add("avgpool", new AdaptiveAvgPool2d(3), y);
        y = b.Add("flatten", new Flatten(), y);
        b.Add("fc", new Linear(8 * 9, 5), y);
        return RandomWeights.Fill(b.Build(), 12);
    }

    [Theory]
    [InlineData(Int8Mode.Fused)]
    [InlineData(Int8Mode.Addsum)]
    public void ResidualGraphMatchesAnIndependentIntegerReference(Int8Mode mode)
    {
        var graph = Residual();
        var options = new SessionOptions { Device = "cpu", Int8Mode = mode, PlanMemory = false };
        var (exec, ranges) = Calibrator.Measure(graph, options, Calib);
        var model = Quantizer.Quantize(exec, ranges, Calib.Describe());
        using var session = SessionFactory.Create(graph, options with { Precision = Precision.Int8, Quantization = model });
        var input = RandomInput.Uniform(graph.Inputs[0].Shape, 5);
        session.Run(input);
        var nodes = session.ExecutionGraph.Nodes;
        Node Named(string name) => nodes.Single(n => n.Name == name);
        Assert.Equal(Activation.Relu, ((Add)Named("add").Op).Fused);
        float[] Floats(string weight) => graph.Weight(weight).Floats;
        double Range(string node) => ranges[Named(node).Output];

        // The stated rule from the float weights and calibrated ranges; the pools keep their input's scale.
        float inputScale = StatedRule.Scale(ranges["input"]);
        var (conv1, conv1Scale) = StatedRule.Weighted(Floats("conv1.weight"), Floats("conv1.bias"), 8, inputScale, Range("conv1"), Activation.Relu);
        var (conv2, conv2Scale) = StatedRule.Weighted(Floats("conv2.weight"), Floats("conv2.bias"), 8, conv1Scale, Range("conv2"));
        var (add, addScale) = StatedRule.Add(conv1Scale, conv2Scale, Range("add"), Activation.Relu);
        var (fc, fcScale) = StatedRule.Weighted(Floats("fc.weight"), Floats("fc.bias"), 5, addScale, Range("fc"));
        string[] tensors = ["input", Named("conv1").Output, Named("pool").Output, Named("conv2").Output, Named("add").Output, Named("avgpool").Output, Named("fc").Output];
        Assert.Equal(new[] { inputScale, conv1Scale, conv1Scale, conv2Scale, addScale, addScale, fcScale }, tensors.Select(t => model.Scale(t)).ToArray());
        AssertSameLayer(conv1, model.Layer(Named("conv1")));
        AssertSameLayer(conv2, model.Layer(Named("conv2")));
        AssertSameLayer(add, model.Layer(Named("add")));
        AssertSameLayer(fc, model.Layer(Named("fc")));

        var q = IntegerReference.Quantize(input.Floats, inputScale);
        var c1 = IntegerReference.Conv(q, 2, 3, 8, 8, conv1, 8, 3, 1);
        var p = IntegerReference.MaxPool(c1, 16, 8, 8, 2, 2, 0);
        var c2 = IntegerReference.Conv(p, 2, 8, 4, 4, conv2, 8, 3, 1);
        var sum = IntegerReference.Add(p, c2, add);
        var avg = IntegerReference.AdaptiveAvgPool(sum, 16, 4, 4, 3, 3);
        var y = IntegerReference.Linear(avg, 2, 72, 5, fc);
        sbyte[] Read(string node) => session.ReadTensor(Named(node).Output).AsSpan<sbyte>().ToArray();
        Assert.Equal(p, Read("pool"));
        Assert.Equal(c2, Read("conv2"));
        Assert.Equal(sum, Read("add"));
        Assert.Equal(avg, Read("avgpool"));
        Assert.Equal(y, Read("fc"));
        Assert.Contains(sum, v => v > 0);
        Assert.DoesNotContain(sum, v => v < 0);
    }

    /// <summary>MobileNetV2 (residual Adds, depthwise convs) and VGG11 (max pools, adaptive pool 1×1 → 7×7) at 32×32.</summary>
    [Theory]
    [InlineData("mobilenet_v2")]
    [InlineData("vgg11")]
    public void ZooInt8IsBitExactAcrossBackendsAndModes(string name)
    {
        var shape = new TensorShape(1, 3, 32, 32);
        var graph = WeightInitializer.Initialize(ModelZoo.Create(name, shape, 10), 4);
        var model = Calibrator.Calibrate(graph, new SessionOptions { Device = "cpu" }, Calib with { Samples = 2 });
        var input = RandomInput.Uniform(shape, 6);
        AssertBitExactAcrossBackendsAndModes(graph, model, input, name);
    }

    /// <summary>The int8 logits of every device and both planner modes equal the first (cpu, fused) bit for bit.</summary>
    private static void AssertBitExactAcrossBackendsAndModes(Ir.Graph graph, QuantizedModel model, Tensor input, string label)
    {
        sbyte[]? expected = null;
        foreach (var device in InferenceSessionDevices.Names())
        {
            foreach (var mode in new[] { Int8Mode.Fused, Int8Mode.Addsum })
            {
                using var session = SessionFactory.Create(graph, new SessionOptions { Device = device, Precision = Precision.Int8, Int8Mode = mode, Quantization = model });
                session.Run(input);
                var actual = session.ReadTensor(session.OutputMetadata[0].Name).AsSpan<sbyte>().ToArray();
                Assert.Contains(actual, v => v != 0);
                expected ??= actual;
                Assert.True(expected.SequenceEqual(actual), $"{label} {device} {mode}: int8 logits differ from cpu fused");
            }
        }
    }

    [Fact]
    public void OpsWithoutAnInt8PathAreNamed()
    {
        var b = new GraphBuilder("windowed");
        var x = b.Input("input", new TensorShape(1, 3, 8, 8));
        x = b.Add("conv", Conv2d.Square(3, 4, 3, 1, 1), x);
        b.Add("pool", new AvgPool2d(new Size2(3, 3), new Size2(2, 2), new Size2(1, 1)), x);
        var graph = RandomWeights.Fill(b.Build(), 1);
        var e = Assert.Throws<GpuEngineException>(() => Calibrator.Calibrate(graph, new SessionOptions { Device = "cpu" }, Calib with { Samples = 1 }));
        Assert.Contains("AvgPool2d 'pool'", e.Message);
    }
}
