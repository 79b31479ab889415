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

    /// <summary>
    /// Linear 4 -> 2 with ranges chosen so most scales are powers of two: input 127/128 (scale 1/128), output 127/16
    /// (scale 1/16). Channel 0's max is 127/64, so its scale is exactly 1/64 and its values land on halves.
    /// </summary>
    private static Ir.Graph LinearGraph() => Build(b => b.Add("fc", new Linear(4, 2), b.Input("input", new TensorShape(1, 4))), new()
    {
        ["fc.weight"] = Tensor.FromFloats(new TensorShape(2, 4), [1.984375f, 0.0078125f, -0.0234375f, 0.25f, -0.25f, 0.1f, 0f, 0.05f]),
        ["fc.bias"] = Tensor.FromFloats(new TensorShape(2), [-6.103515625e-05f, 0.1f]),
    });

    [Fact]
    public void HalvesRoundAwayFromZeroAndFloatScalesSetTheMultipliers()
    {
        var layer = Quantizer.Quantize(LinearGraph(), new Dictionary<string, double> { ["input"] = 127.0 / 128, ["fc"] = 127.0 / 16 }, "by hand").Layers["fc"];
        // Channel 0: scale 1/64; w·64 = 127, 0.5, −1.5, 16 -> 127, 1, −2, 16. Channel 1: scale f32(0.25/127) =
        // 0.0019685039296746254; 0.1 and 0.05 over it are 50.8000002 and 25.4000001 -> 51, 25.
        Assert.Equal([1f / 64, 0.0019685039296746254f], layer.WeightScales);
        Assert.Equal(new sbyte[] { 127, 1, -2, 16, -127, 51, 0, 25 }, layer.Weight!.AsSpan<sbyte>().ToArray());
        // Biases at input·weight scale: −2^-14 · 128 · 64 = −0.5 -> −1 (away from zero); 0.1 / (f32(0.25/127) / 128) = 6502.4 -> 6502.
        Assert.Equal([-1, 6502], layer.Bias!.AsSpan<int>().ToArray());
        // Channel 0: (1/128)(1/64) / (1/16) = 2^-9 = 2^30 · 2^-31 · 2^-8. Channel 1: f32(0.25/127) / 8 = 2^-11 · 0.503937...,
        // 2^31 · 0.503937... = 1082196480.4 -> 1082196480 (the exact 64/127 would give 1082196484: the float scale counts).
        Assert.Equal([1 << 30, 1082196480], layer.Multipliers);
        Assert.Equal([8, 11], layer.Shifts);
        Assert.Equal((-128, 127), (layer.ClampMin, layer.ClampMax));
    }

    /// <summary>
    /// input (scale 1/32) -> 1x1 conv 2 -> 2 with ReLU6 (scale 1/16) -> Add(input, conv) with ReLU (scale 1/8) -> global
    /// average pool over 4 pixels whose calibrated range (127/256, scale 1/256) is too fine: the stated rule coarsens it.
    /// </summary>
    private static Ir.Graph ResidualGraph() => Build(b =>
    {
        var x = b.Input("input", new TensorShape(1, 2, 2, 2));
        var conv = b.Add("conv", new Conv2d(2, 2, 1, 1, 0, 1, Fused: Activation.Relu6), x);
        var sum = b.Add("add", new Add(Activation.Relu), x, conv);
        b.Add("gap", new AdaptiveAvgPool2d(1), sum);
    }, new()
    {
        ["conv.weight"] = Tensor.FromFloats(new TensorShape(2, 2, 1, 1), [0.5f, -0.2f, 0.125f, 0.375f]),
        ["conv.bias"] = Tensor.FromFloats(new TensorShape(2), [0.2f, -0.1f]),
    });

    [Fact]
    public void ConvAddAndPoolFollowTheStatedRulesOnHandPickedScales()
    {
        var ranges = new Dictionary<string, double> { ["input"] = 127.0 / 32, ["conv"] = 127.0 / 16, ["add"] = 127.0 / 8, ["gap"] = 127.0 / 256 };
        var q = Quantizer.Quantize(ResidualGraph(), ranges, "by hand");
        var conv = q.Layers["conv"];
        // Symmetric scales (zero point 0): range / 127, here exactly 1/32, 1/16 and 1/8.
        Assert.Equal((1f / 32, 1f / 16), (q.Scale("input"), q.Scale("conv")));
        // Scales f32(0.5/127) and f32(0.375/127); −0.2 / f32(0.5/127) = −50.8 -> −51, 0.125 / f32(0.375/127) = 42.33 -> 42.
        Assert.Equal(new sbyte[] { 127, -51, 42, 127 }, conv.Weight!.AsSpan<sbyte>().ToArray());
        // 0.2 · 32 · 127 / 0.5 = 1625.6 -> 1626; −0.1 · 32 · 127 / 0.375 = −1083.7 -> −1084.
        Assert.Equal([1626, -1084], conv.Bias!.AsSpan<int>().ToArray());
        // Factors (1/32)·scale / (1/16) = f32(0.5/127)/2 = 2^-8 · 0.50394 and f32(0.375/127)/2 = 2^-9 · 0.75591.
        Assert.Equal([1082196480, 1623294720], conv.Multipliers);
        Assert.Equal([8, 9], conv.Shifts);
        Assert.Equal((0, 96), (conv.ClampMin, conv.ClampMax)); // ReLU6: round(6 · 16)

        var add = q.Layers["add"];
        // M = 2·max(1/32, 1/16) = 1/8: input factor 1/4 = 2^30·2^-31·2^-1, conv factor 1/2 (shift 0); the sum's grid
        // (1/8)/2^20 onto the output's 1/8 is 2^-20 = 2^30·2^-31·2^-19.
        Assert.Equal([1 << 30, 1 << 30, 1 << 30], add.Multipliers);
        Assert.Equal([1, 0, 19], add.Shifts);
        Assert.Equal((0, 127), (add.ClampMin, add.ClampMax));
        Assert.Equal(1f / 8, q.Scale("add"));

        // 1/256 would make the pool's factor (1/8) / (4/256) = 8; the rule takes 1.0001 · (1/8)/4 instead:
        // f32(0.031253125) = 0.03125312551856041, factor 0.99989999 -> 2147268885 · 2^-31, shift 0.
        var gap = q.Layers["gap"];
        Assert.Equal(0.03125312551856041f, q.Scale("gap"));
        Assert.Equal([2147268885], gap.Multipliers);
        Assert.Equal([0], gap.Shifts);
    }

    [Fact]
    public void AnAllZeroChannelHasScaleOneAndTinyFactorsBecomeZero()
    {
        var (values, scales) = QuantMath.QuantizeWeights([0f, 0f, 0.2f, -0.6f], 2);
        // Channel 0 is all zeros: scale 1, values 0. Channel 1: scale f32(0.6/127) = 0.004724409431219101; 0.2 over it is 42.33 -> 42.
        Assert.Equal([1f, 0.004724409431219101f], scales);
        Assert.Equal(new sbyte[] { 0, 0, 42, -127 }, values);
        Assert.Equal((1 << 30, 31), QuantMath.QuantizeMultiplier(Math.Pow(2, -32)));
        Assert.Equal((0, 0), QuantMath.QuantizeMultiplier(Math.Pow(2, -33)));
    }

    private static Ir.Graph Build(Action<GraphBuilder> add, Dictionary<string, Tensor> weights)
    {
        var b = new GraphBuilder("hand");
        add(b);
        return b.Build(weights);
    }
}
