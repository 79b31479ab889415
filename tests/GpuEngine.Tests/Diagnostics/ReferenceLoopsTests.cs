using GpuEngine.Diagnostics;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Diagnostics;

/// <summary>
/// The engine's own reference loops (what <c>check --device cpu</c> compares the cpu backend with) against the tests'
/// independent ones: the float64 interpreter, and gemmlowp's requantization on decimal arithmetic.
/// </summary>
public class ReferenceLoopsTests
{
    [Theory]
    [InlineData("repvgg-a0-train", "1x3x32x32")]
    [InlineData("mobilenet_v2", "2x3x32x32")]
    public void Float64ReferenceEqualsTheTestsInterpreter(string model, string input)
    {
        var shape = TensorShape.Parse(input);
        var graph = WeightInitializer.Initialize(ModelZoo.Create(model, shape, 10), seed: 2);
        var x = RandomInput.Uniform(shape, 4).Floats;
        var expected = Reference.ReferenceInterpreter.Output(graph, [.. x.Select(v => (double)v)]);
        var actual = Float64Reference.Output(graph, x);
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * scale, $"[{i}]: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void Int8RescaleEqualsGemmlowpOnDecimalArithmetic()
    {
        var random = new Random(7);
        long[] edges = [0, 1, -1, int.MaxValue, int.MinValue + 1, 1 << 20, -(1 << 20), 3 << 29, -(3 << 29)];
        var accumulators = edges.Concat(Enumerable.Range(0, 20_000).Select(_ => (long)random.Next(int.MinValue, int.MaxValue)));
        foreach (long acc in accumulators)
        {
            int multiplier = random.Next(1 << 30, int.MaxValue);
            int shift = random.Next(0, 20);
            Assert.True(Kernels.Int8Requant.Rescale(acc, multiplier, shift) == Int8Reference.Rescale(acc, multiplier, shift), $"acc {acc}, m {multiplier}, shift {shift}");
        }
        // Ties: the doubling high multiply rounds half up, the division by 2^shift half away from zero.
        Assert.Equal(0, Int8Reference.Rescale(-1, 1 << 30, 0));  // -0.5 -> 0
        Assert.Equal(1, Int8Reference.Rescale(1, 1 << 30, 0));   // 0.5 -> 1
        Assert.Equal(-2, Int8Reference.Rescale(-6, 1 << 30, 1)); // -3 exactly, then -1.5 -> -2
        Assert.Equal(2, Int8Reference.Rescale(6, 1 << 30, 1));   // 3, then 1.5 -> 2
    }
}
