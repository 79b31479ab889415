using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Tests.Kernels;
using GpuEngine.Tests.Reference;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Execution;

public class InferenceSessionTests
{
    /// <summary>Backends a whole model runs on here (cpu-threads is the same backend, slower: left out).</summary>
    public static TheoryData<string> Devices() => InferenceSessionDevices.Names();

    /// <summary>Whole models, small inputs: the engine on every backend against the float64 reference interpreter.</summary>
    public static TheoryData<string, string> ModelsOnDevices()
    {
        var data = new TheoryData<string, string>();
        foreach (var device in Devices())
            foreach (var model in new[] { "repvgg-a0", "repvgg-a0-train", "mobilenet_v2", "vgg11", "repvgg-b1g2" })
                data.Add(model, device);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsOnDevices))]
    public void ZooModelsMatchTheReference(string model, string device)
    {
        var shape = model.StartsWith("vgg") ? new TensorShape(1, 3, 32, 32) : new TensorShape(2, 3, 32, 32);
        var graph = WeightInitializer.Initialize(ModelZoo.Create(model, shape, 10), 42);
        var input = RandomInput.Uniform(shape, 7);
        using var session = new InferenceSession(graph, new SessionOptions { Device = device });
        var actual = session.Run(input).Floats;
        var expected = ReferenceInterpreter.Output(graph, [.. input.Floats.Select(v => (double)v)]);
        OutputComparison.AssertMaxRelative(expected, actual, 1e-4, $"{model} on {device}");
    }

    /// <summary>Issue 3: cpu and every other backend here give the same whole-model outputs within 1e-4 relative.</summary>
    [Theory]
    [InlineData("repvgg-a0")]
    [InlineData("mobilenet_v2")]
    [InlineData("vgg11")]
    public void BackendsAgreeWithTheCpuBackendOnWholeModels(string model)
    {
        var shape = new TensorShape(1, 3, 32, 32);
        var graph = WeightInitializer.Initialize(ModelZoo.Create(model, shape, 10), 8);
        var input = RandomInput.Uniform(shape, 8);
        using var cpu = new InferenceSession(graph, new SessionOptions { Device = "cpu" });
        var expected = cpu.Run(input).Floats;
        foreach (var device in InferenceSessionDevices.List().Where(n => n != "cpu"))
        {
            using var other = new InferenceSession(graph, new SessionOptions { Device = device });
            double error = GpuEngine.Diagnostics.DeviceCheck.RelativeError(expected, other.Run(input).Floats);
            Assert.True(error <= 1e-4, $"{model}: {device} differs from cpu by {error:E2}");
        }
    }

    [Fact]
    public void PlannedArenaGivesTheSameBitsAsOneBufferPerTensor()
    {
        var shape = new TensorShape(1, 3, 32, 32);
        var graph = WeightInitializer.Initialize(ModelZoo.Create("mobilenet_v2", shape, 10), 3);
        var input = RandomInput.Uniform(shape, 3);
        using var planned = new InferenceSession(graph, new SessionOptions { Device = "cpu" });
        using var unplanned = new InferenceSession(graph, new SessionOptions { Device = "cpu", PlanMemory = false });
        Assert.Equal(unplanned.Run(input).Floats, planned.Run(input).Floats);
        Assert.True(planned.DeviceBytes < unplanned.DeviceBytes, $"arena {planned.DeviceBytes} B is not smaller than {unplanned.DeviceBytes} B");
    }

    [Fact]
    public void RepeatedRunsReuseTheArenaAndGiveTheSameOutput()
    {
        var shape = new TensorShape(1, 3, 32, 32);
        var graph = WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1-train", shape, 10), 1);
        using var session = new InferenceSession(graph, new SessionOptions { Device = "cpu", Reparameterize = true });
        var first = session.Run(RandomInput.Uniform(shape, 1)).Floats;
        var other = session.Run(RandomInput.Uniform(shape, 2)).Floats;
        Assert.NotEqual(first, other);
        Assert.Equal(first, session.Run(RandomInput.Uniform(shape, 1)).Floats);
    }

    [Fact]
    public void CustomGraphWithDilationGroupsAndStrideMatchesTheReference()
    {
        var b = new GraphBuilder("custom");
        var x = b.Input("input", new TensorShape(2, 6, 13, 11));
        var y = b.Add("a", new Conv2d(6, 12, 3, 2, 2, 2, Groups: 3, HasBias: false), x);
        y = b.Add("bn", new BatchNorm2d(12), y);
        var z = b.Add("dw", new Conv2d(12, 12, new Size2(3, 1), 1, new Size2(1, 0), 1, Groups: 12), y);
        y = b.AddFunctional("add", new Add(), y, z);
        y = b.Add("relu6", new Relu6(), y);
        y = b.Add("pool", new MaxPool2d(2, 2, 0, CeilMode: true), y);
        var graph = RandomWeights.Fill(b.Build(), 5);
        var input = RandomInput.Uniform(graph.Inputs[0].Shape, 9);
        foreach (var device in Devices())
        {
            using var session = new InferenceSession(graph, new SessionOptions { Device = device });
            OutputComparison.AssertMaxRelative(ReferenceInterpreter.Output(graph, [.. input.Floats.Select(v => (double)v)]), session.Run(input).Floats, 1e-4, device);
        }
    }

    [Fact]
    public void WrongInputShapeAndMissingWeightsAreNamed()
    {
        var graph = ModelZoo.Create("repvgg-n1", new TensorShape(1, 3, 32, 32), 10);
        Assert.Contains("no weights", Assert.Throws<GpuEngineException>(() => new InferenceSession(graph)).Message);
        using var session = new InferenceSession(WeightInitializer.Initialize(graph, 1), new SessionOptions { Device = "cpu" });
        var e = Assert.Throws<ShapeMismatchException>(() => session.Run(RandomInput.Uniform(new TensorShape(1, 3, 16, 16), 1)));
        Assert.Contains("1x3x32x32", e.Message);
        Assert.Contains("1x3x16x16", e.Message);
    }

}
