using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Quantization;

/// <summary>
/// Quantization of a calibrated graph: maps a deploy-form execution graph (Conv2d and Linear with fused ReLU/ReLU6, Add with its fused
/// activation, MaxPool2d, AdaptiveAvgPool2d, Flatten, Dropout) and its calibrated ranges to a <see cref="QuantizedModel"/>.
/// Any other op (windowed AvgPool2d, unfolded BatchNorm, standalone activations) has no int8 kernel path yet: the error names the node.
/// </summary>
public static class Quantizer
{
    /// <summary>
    /// Headroom kept below a rescale factor of 1 (the kernels take right shifts only): an output scale too fine for
    /// input·weight scale is coarsened to input·weight·this, which loses a little resolution and never overflows.
    /// </summary>
    private const double MinOutputRatio = 1.0001;

    /// <summary>Quantizes an execution graph with fp32 weights, given max |x| per activation tensor.</summary>
    public static QuantizedModel Quantize(Graph exec, IReadOnlyDictionary<string, double> ranges, string calibration)
    {
        var scales = new Dictionary<string, float>();
        var layers = new Dictionary<string, QuantizedLayer>();
        double Range(string tensor) => ranges.TryGetValue(tensor, out var r) ? r
            : throw new GpuEngineException($"calibration has no range for tensor '{tensor}' of '{exec.Name}'");
        scales[exec.Inputs[0].Name] = QuantMath.Scale(Range(exec.Inputs[0].Name));
        foreach (var node in exec.Nodes)
        {
            float ScaleOf(string tensor) => scales.TryGetValue(tensor, out var s) ? s
                : throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': its input '{tensor}' is not int8 (only the first graph input is quantized)");
            float Input() => ScaleOf(node.Inputs[0]);
            switch (node.Op)
            {
                // Views, and pools whose max or mean never leaves the input's range: the output keeps the input's scale,
                // so the int8 kernels need no requantization (a global pool below does, to divide by the pixel count).
                case Flatten or Dropout or MaxPool2d or AdaptiveAvgPool2d { IsGlobal: false }:
                    scales[node.Output] = Input();
                    break;
                case Add add:
                    layers[node.Name] = AddLayer(node, add.Fused, ScaleOf(node.Inputs[0]), ScaleOf(node.Inputs[1]), Range(node.Output), scales);
                    break;
                case Conv2d conv:
                    layers[node.Name] = Layer(exec, node, conv.OutChannels, conv.HasBias, conv.Fused, Input(), Range(node.Output), scales);
                    break;
                case Linear linear:
                    layers[node.Name] = Layer(exec, node, linear.OutFeatures, linear.HasBias, linear.Fused, Input(), Range(node.Output), scales);
                    break;
                case AdaptiveAvgPool2d { IsGlobal: true }:
                    var x = exec.InputShape(node);
                    double pixels = (double)x[2] * x[3];
                    float input = Input();
                    float output = (float)Math.Max(QuantMath.Scale(Range(node.Output)), input / pixels * MinOutputRatio);
                    scales[node.Output] = output;
                    var (m, s) = QuantMath.QuantizeMultiplier(input / (output * pixels));
                    layers[node.Name] = new QuantizedLayer(node.Name, null, null, [], [m], [s], -128, 127);
                    break;
                default:
                    throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': no int8 kernel path for this op yet (int8 runs Conv2d and "
                        + "Linear with fused ReLU/ReLU6, Add, MaxPool2d, AdaptiveAvgPool2d, Flatten, Dropout; fold BatchNorm and fuse activations first)");
            }
        }
        return new QuantizedModel(exec.Name, calibration, scales, layers, exec.Inputs[0].Shape);
    }

    /// <summary>
    /// An int8 Add: output scale from its calibrated range (kept above the sum's scale so the sum's rescale stays below 1);
    /// multipliers and shifts [a, b, output] of <see cref="QuantMath.AddRescales"/>.
    /// </summary>
    private static QuantizedLayer AddLayer(Node node, Activation fused, float scaleA, float scaleB, double outputRange, Dictionary<string, float> scales)
    {
        float output = (float)Math.Max(QuantMath.Scale(outputRange), QuantMath.AddSumScale(scaleA, scaleB) * MinOutputRatio);
        scales[node.Output] = output;
        var (clampMin, clampMax) = Clamp(node, fused, output);
        var (multipliers, shifts) = QuantMath.AddRescales(scaleA, scaleB, output);
        return new QuantizedLayer(node.Name, null, null, [], multipliers, shifts, clampMin, clampMax);
    }

    /// <summary>The int8 bounds of a fused activation at output scale <paramref name="output"/>: none [−128, 127], ReLU [0, 127], ReLU6 [0, round(6 / scale)].</summary>
    private static (int Min, int Max) Clamp(Node node, Activation fused, float output) => fused switch
    {
        Activation.None => (-128, 127),
        Activation.Relu => (0, 127),
        Activation.Relu6 => (0, (int)Math.Min(127, Math.Round(6 / output, MidpointRounding.AwayFromZero))),
        _ => throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': fused activation {fused} has no int8 form"),
    };

    private static QuantizedLayer Layer(Graph exec, Node node, int channels, bool hasBias, Activation fused, float inputScale, double outputRange,
        Dictionary<string, float> scales)
    {
        var (weights, weightScales) = QuantMath.QuantizeWeights(exec.Weight(node.ParameterName("weight")).Floats, channels);
        float output = (float)Math.Max(QuantMath.Scale(outputRange), inputScale * (double)weightScales.Max() * MinOutputRatio);
        scales[node.Output] = output;
        var multipliers = new int[channels];
        var shifts = new int[channels];
        for (int c = 0; c < channels; c++)
            (multipliers[c], shifts[c]) = QuantMath.QuantizeMultiplier((double)inputScale * weightScales[c] / output);
        var bias = hasBias ? QuantMath.QuantizeBias(exec.Weight(node.ParameterName("bias")).Floats, inputScale, weightScales) : null;
        var (clampMin, clampMax) = Clamp(node, fused, output);
        var shape = exec.Weight(node.ParameterName("weight")).Shape;
        return new QuantizedLayer(node.Name, new Tensor(shape, DataType.Int8, weights),
            bias is null ? null : new Tensor(new TensorShape(channels), DataType.Int32, bias), weightScales, multipliers, shifts,
            clampMin, clampMax);
    }
}
