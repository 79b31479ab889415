using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Loading;

public class WeightInitializerTests
{
    [Fact]
    public void Same_seed_same_weights_other_seed_other_weights()
    {
        var g = ModelZoo.Create("repvgg-a0-train", new TensorShape(1, 3, 32, 32), 10);
        var a = WeightInitializer.Create(g, 7);
        var b = WeightInitializer.Create(g, 7);
        var c = WeightInitializer.Create(g, 8);
        Assert.Equal(g.Parameters.Count, a.Count);
        Assert.All(a, kv => Assert.Equal(kv.Value.Floats, b[kv.Key].Floats));
        Assert.NotEqual(a["linear.weight"].Floats, c["linear.weight"].Floats);
    }

    [Theory]
    [InlineData("repvgg-a0-train")]
    [InlineData("repvgg-n1")]
    [InlineData("mobilenet_v2")]
    public void Activations_stay_order_one_through_the_whole_network(string model)
    {
        var g = WeightInitializer.Initialize(ModelZoo.Create(model, new TensorShape(1, 3, 32, 32), 10), 1);
        var values = ReferenceForward.Run(g, TestData.Floats(g.Inputs[0].Shape, 3));
        foreach (var node in g.Nodes)
        {
            var data = values[node.Output].Data;
            double rms = Math.Sqrt(data.Average(v => v * v));
            Assert.True(rms is > 0.05 and < 20, $"{model}: rms of '{node.Name}' is {rms:G3}");
        }
    }
}
