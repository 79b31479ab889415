using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Quantization;
using GpuEngine.Sessions;

namespace GpuEngine.Tests.Quantization;

/// <summary>
/// Issue 12 item 7: the quantizer against its own stated rules on data worked by hand (the integer-reference tests
/// take the quantizer's weights as given, so they cannot catch a wrong quantizer). A 1x1 conv, 1 -> 2 channels,
/// weights [0.5] and [-2], biases [0.1, -0.3]; input range 1.27 (scale 0.01), output range 2.54 (scale 0.02).
/// </summary>
public class QuantizerRuleTests
{
    private static Ir.Graph Conv()
    {
        var b = new GraphBuilder("hand");
        b.Add("conv", Conv2d.Square(1, 2, 1, 1, 0, 1, bias: true), b.Input("input", new TensorShape(1, 1, 2, 2)));
        return b.Build(new Dictionary<string, Tensor>
        {
            ["conv.weight"] = Tensor.FromFloats(new TensorShape(2, 1, 1, 1), [0.5f, -2f]),
            ["conv.bias"] = Tensor.FromFloats(new TensorShape(2), [0.1f, -0.3f]),
        });
    }

    private static QuantizedModel Quantize() => Quantizer.Quantize(Conv(), new Dictionary<string, double> { ["input"] = 1.27, ["conv"] = 2.54 }, "by hand");

    [Fact]
    public void ScalesWeightsBiasesAndMultipliersFollowTheStatedRules()
    {
        var q = Quantize();
        Assert.Equal(0.01f, q.Scale("input"));
        Assert.Equal(0.02f, q.Scale("conv"));
        var layer = q.Layers["conv"];
        // scale[c] = max|w[c]| / 127; q = round(w / scale[c]) = ±127.
        Assert.Equal([0.5f / 127, 2f / 127], layer.WeightScales);
        Assert.Equal(new sbyte[] { 127, -127 }, layer.Weight!.AsSpan<sbyte>().ToArray());
        // bias = round(b / (0.01 · scale[c])): 0.1 · 127 / 0.005 = 2540; −0.3 · 127 / 0.02 = −1905.
        Assert.Equal([2540, -1905], layer.Bias!.AsSpan<int>().ToArray());
        // real[c] = 0.01 · scale[c] / 0.02 = 0.25/127 and 1/127, as multiplier · 2^-31 · 2^-shift.
        double[] real = [0.25 / 127, 1.0 / 127];
        for (int c = 0; c < 2; c++)
        {
            double encoded = layer.Multipliers[c] / 2147483648.0 / Math.Pow(2, layer.Shifts[c]);
            Assert.True(Math.Abs(encoded - real[c]) <= real[c] * 1e-6, $"channel {c}: {encoded} for {real[c]}");
        }
        Assert.Equal((-128, 127), (layer.ClampMin, layer.ClampMax));
    }

    /// <summary>0.5x + 0.1 and −2x − 0.3 at x = 1, −0.4, 0.2, 0: every value a whole number of output steps (0.02).</summary>
    [Fact]
    public void TheInt8SessionGivesTheHandWorkedOutputs()
    {
        using var session = SessionFactory.Create(Conv(), new SessionOptions { Device = "cpu", Precision = Precision.Int8, Quantization = Quantize() });
        var output = session.Run(Tensor.FromFloats(new TensorShape(1, 1, 2, 2), [1f, -0.4f, 0.2f, 0f])).Floats;
        double[] expected = [0.6, -0.1, 0.2, 0.1, -2.3, 0.5, -0.7, -0.3];
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(output[i] - expected[i]) < 1e-5, $"output {i}: {output[i]}, by hand {expected[i]}");
    }
}
