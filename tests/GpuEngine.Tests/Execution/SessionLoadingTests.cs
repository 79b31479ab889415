using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Planning;
using GpuEngine.Tests.Reference;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Execution;

/// <summary>Issue 14 item 1: sessions from a zoo name or a model file, with the options' shape, classes and weights.</summary>
public class SessionLoadingTests
{
    private static readonly TensorShape Small = new(1, 3, 32, 32);

    [Fact]
    public void AZooNameWithASeedRunsTheModelTheSeedDraws()
    {
        var options = new SessionOptions { Device = "cpu", InputShape = Small, Classes = 10, WeightSeed = 3 };
        using var session = new InferenceSession("repvgg-n1", options);
        Assert.Equal(Small, session.InputMetadata[0].Shape);
        Assert.Equal(new TensorShape(1, 10), session.OutputMetadata[0].Shape);
        // The reference: the same graph and seed through the float64 interpreter.
        var graph = WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1", Small, 10), 3);
        var input = RandomInput.Uniform(Small, 9);
        using var results = session.Run([NamedTensor.Wrap(session.InputNames[0], input)]);
        var expected = ReferenceInterpreter.Output(graph, [.. input.Floats.Select(v => (double)v)]);
        OutputComparison.AssertMaxRelative(expected, results[0].Floats.ToArray(), 1e-4, "repvgg-n1 from its zoo name");
    }

    [Fact]
    public void AZooModelWithoutWeightsSaysHowToGiveThem()
    {
        var error = Assert.Throws<GpuEngineException>(() => new InferenceSession("repvgg-n1", new SessionOptions { Device = "cpu", InputShape = Small }));
        Assert.Contains("SessionOptions.WeightSeed", error.Message);
    }

    [Fact]
    public void AnUnknownModelIsOneLine()
    {
        var error = Assert.Throws<GpuEngineException>(() => new InferenceSession("no-such-model", new SessionOptions { Device = "cpu" }));
        Assert.Contains("unknown model 'no-such-model'", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Int8MetadataDescribesWhatRunReturns()
    {
        var options = new SessionOptions { Device = "cpu", InputShape = Small, Classes = 10, WeightSeed = 4, Precision = Precision.Int8 };
        // No quantized model given: the factory calibrates one (through an fp32 session's public API) first.
        using var session = GpuEngine.Sessions.SessionFactory.Create("repvgg-n1", options);
        var input = RandomInput.Uniform(Small, 5);
        using var results = session.Run([NamedTensor.Wrap(session.InputNames[0], input)]);
        var output = session.OutputMetadata[0];
        Assert.Equal(output.DataType, results[0].DataType);
        Assert.Equal(DataType.Float32, output.DataType);
        Assert.Equal(output.Shape, results[0].Shape);
        Assert.Equal(session.Run(input).Floats, results[0].Floats.ToArray());
    }
}
