using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Quantization;

/// <summary>
/// The quantization pass: maps a deploy-form execution graph (Conv2d with fused ReLU/ReLU6, global AdaptiveAvgPool2d,
/// Flatten, Dropout, Linear) and its calibrated ranges to a <see cref="QuantizedModel"/>. Any other op (Add, pools
/// with windows, unfolded BatchNorm, standalone activations) has no int8 kernel path yet: the error names the node.
/// </summary>
public static class Quantizer
{
    /// <summary>
    /// Headroom kept below a rescale factor of 1 (the kernels take right shifts only): an output scale too fine for
    /// input·weight scale is coarsened to input·weight·this, which loses a little resolution and never overflows.
    /// </summary>
    private const double MinOutputRatio = 1.0001;

    /// <summary>Calibrates <paramref name="graph"/> (prepared as <paramref name="session"/> says) and quantizes it.</summary>
    public static QuantizedModel Calibrate(Graph graph, SessionOptions session, CalibrationOptions calibration)
    {
        var (exec, ranges) = Calibration.Measure(graph, session, calibration);
        return Quantize(exec, ranges, calibration.Describe());
    }

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
            float Input() => scales.TryGetValue(node.Inputs[0], out var s) ? s
                : throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': its input '{node.Inputs[0]}' is not int8 (only the first graph input is quantized)");
            switch (node.Op)
            {
                case Flatten or Dropout:
                    scales[node.Output] = Input();
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
                    throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': no int8 kernel path for this op yet (int8 runs Conv2d with "
                        + "fused ReLU/ReLU6, Linear, global average pool, Flatten; fold BatchNorm first; Add/MaxPool models such as ResNet or MobileNetV2 are still fp32 only)");
            }
        }
        return new QuantizedModel(exec.Name, calibration, scales, layers);
    }

    private static QuantizedLayer Layer(Graph exec, Node node, int channels, bool hasBias, Activation fused, float inputScale, double outputRange,
        Dictionary<string, float> scales)
    {
        if (fused is not (Activation.None or Activation.Relu or Activation.Relu6))
            throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': fused activation {fused} has no int8 form");
        var (weights, weightScales) = QuantMath.QuantizeWeights(exec.Weight(node.ParameterName("weight")).Floats, channels);
        float output = (float)Math.Max(QuantMath.Scale(outputRange), inputScale * (double)weightScales.Max() * MinOutputRatio);
        scales[node.Output] = output;
        var multipliers = new int[channels];
        var shifts = new int[channels];
        for (int c = 0; c < channels; c++)
            (multipliers[c], shifts[c]) = QuantMath.QuantizeMultiplier((double)inputScale * weightScales[c] / output);
        var bias = hasBias ? QuantMath.QuantizeBias(exec.Weight(node.ParameterName("bias")).Floats, inputScale, weightScales) : null;
        int clampMax = fused == Activation.Relu6 ? (int)Math.Min(127, Math.Round(6 / output, MidpointRounding.AwayFromZero)) : 127;
        var shape = exec.Weight(node.ParameterName("weight")).Shape;
        return new QuantizedLayer(node.Name, new Tensor(shape, DataType.Int8, weights),
            bias is null ? null : new Tensor(new TensorShape(channels), DataType.Int32, bias), weightScales, multipliers, shifts,
            fused == Activation.None ? -128 : 0, clampMax);
    }
}
