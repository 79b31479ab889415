using GpuEngine.Execution.Launchers;
using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Quantization;

namespace GpuEngine.Execution;

/// <summary>
/// The int8 side of the session. The int8 plan keeps the graph input float32 in the arena and types the outputs
/// int8; no kernel quantizes while it loads, so two small buffers outside the arena hold INPUT.quantized (int8,
/// written by a Quantize launch first) and OUTPUT.dequantized (float32, written by a Dequantize launch last).
/// Requantization multipliers and shifts live in a third region beside the weights (the plan's weights layout
/// only knows weight and bias): per int8 layer, int32 multipliers then shifts, each at an aligned offset.
/// </summary>
public sealed partial class InferenceSession
{
    private readonly Dictionary<string, (TensorShape Shape, DataType DataType)> _extraTensors = [];
    private Dictionary<string, (BufferSlice Multipliers, BufferSlice Shifts)>? _requantization;
    private HashSet<string>? _nhwcTensors;

    /// <summary>Name of the int8 copy of graph input <paramref name="input"/> (readable with <see cref="ReadTensor"/>).</summary>
    public static string QuantizedName(string input) => QuantizationPass.QuantizedName(input);

    /// <summary>Name of the float32 copy of int8 graph output <paramref name="output"/>.</summary>
    public static string DequantizedName(string output) => QuantizationPass.DequantizedName(output);

    private (TensorShape Shape, DataType DataType) TensorType(string name)
    {
        if (_extraTensors.TryGetValue(name, out var extra)) return extra;
        if (Quantization is null) return (ExecutionGraph.Tensor(name).Shape, ExecutionGraph.Tensor(name).DataType);
        var planned = Plan.Tensor(name);
        return (planned.Shape, planned.DataType);
    }

    /// <summary>
    /// A tensor read back from the device in NCHW, whatever its layout there: the layout pass's NHWC tensors (and the
    /// int32 addsums of NHWC convs) are transposed on the host, so ReadTensor means the same everywhere (calibration,
    /// fidelity, profiles).
    /// </summary>
    private Tensor AsNchw(string name, Tensor tensor)
    {
        _nhwcTensors ??= Quantization is null ? [] : Int8LayoutPass.NhwcTensors(ExecutionGraph);
        string graphName = name.EndsWith(".addsum", StringComparison.Ordinal) ? name[..^".addsum".Length] : name;
        if (!_nhwcTensors.Contains(graphName) || tensor.Shape.Rank != 4) return tensor;
        var s = tensor.Shape;
        return new Tensor(s, tensor.DataType, tensor.Data switch
        {
            sbyte[] bytes => ToNchw(bytes, s),
            int[] ints => ToNchw(ints, s),
            _ => throw new GpuEngineException($"tensor '{name}': an NHWC tensor of {tensor.DataType.Name()} has no NCHW read-back"),
        });
    }

    private static T[] ToNchw<T>(T[] nhwc, TensorShape s)
    {
        var result = new T[nhwc.Length];
        int n = s.N, c = s.C, h = s.H, w = s.W;
        for (int b = 0; b < n; b++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < c; ch++)
                        result[((b * c + ch) * h + y) * w + x] = nhwc[((b * h + y) * w + x) * c + ch];
        return result;
    }

    private Tensor QuantizedWeight(PlannedWeight w)
    {
        int dot = w.Name.LastIndexOf('.');
        var node = ExecutionGraph.Nodes.First(n => n.Name == w.Name[..dot]);
        var layer = Quantization!.Layer(node);
        var tensor = w.Name[(dot + 1)..] switch
        {
            "weight" => layer.Weight,
            "bias" => layer.Bias,
            _ => null,
        } ?? throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': the quantized model has no int8 '{w.Name}'");
        if (tensor.Shape != w.Shape || tensor.DataType != w.DataType)
            throw new ShapeMismatchException($"quantized '{w.Name}' is {tensor.DataType.Name()} {tensor.Shape}; the plan expects {w.DataType.Name()} {w.Shape}");
        return tensor;
    }

    private BufferSlice AddTensor(ExecutionState state, string name, TensorShape shape, DataType type)
    {
        // Written by the first state only (later ones, maybe on other threads, find it): reads need no lock.
        _extraTensors.TryAdd(name, (shape, type));
        var slice = new BufferSlice(Allocate(shape.Elements * type.Size(), state.Buffers), 0, shape.Elements);
        state.Activations[name] = slice;
        return slice;
    }

    private List<KernelLaunch> PrepareInt8(ExecutionState state, LaunchContext context)
    {
        var int8 = Program.Int8!;
        var quant = int8.Model;
        // Per-tensor buffers know only graph tensors: the plan's int32 addsums need their own too.
        foreach (var t in Plan.Tensors.Where(t => !state.Activations.ContainsKey(t.Name)))
            state.Activations[t.Name] = new BufferSlice(Allocate(t.Bytes, state.Buffers), 0, t.Elements);
        BufferSlice Activation(string name) => state.Activation(name);
        var parameters = _requantization!;
        var launches = new List<KernelLaunch>();
        var input = ExecutionGraph.Inputs[0];
        var quantized = AddTensor(state, int8.Quantize.Output, input.Shape, DataType.Int8);
        // The conversion nodes are the quantization pass's (QuantizationPass): this only gives them launches.
        launches.Add(RequantizeLauncher.Quantize(int8.Quantize, input.Shape.Elements, quant.Scale(input.Name), 0, Activation(input.Name), quantized));
        BufferSlice Int8(string tensor) => tensor == input.Name ? quantized : Activation(tensor);
        BufferSlice In(Node node) => Int8(node.Inputs[0]);
        // Tensors the layout pass made NHWC (Int8LayoutPass): a conv reading one runs the NHWC tensor-core kernel.
        var nhwc = Int8LayoutPass.NhwcTensors(ExecutionGraph);
        foreach (var node in ExecutionGraph.Nodes)
        {
            switch (node.Op)
            {
                case Flatten or Dropout:
                    break;
                case Int8LayoutOp layout:
                    launches.Add(Int8LayoutLauncher.Plan(node, layout, context.Shape(node.Inputs[0]), In(node), Activation(node.Output)));
                    break;
                case Conv2d or Linear:
                    var layer = quant.Layer(node);
                    var (multipliers, shifts) = parameters[node.Name];
                    var qp = new QuantParams(multipliers, shifts, 0, 0, layer.ClampMin, layer.ClampMax);
                    bool fused = Options.Int8Mode == Int8Mode.Fused;
                    var target = Activation(fused ? node.Output : PlanStep.AddsumName(node.Output));
                    var mode = fused ? Int8OutputMode.Fused : Int8OutputMode.AddSumWrite;
                    BufferSlice? bias = layer.Bias is null ? null : Weight(node.ParameterName("bias"));
                    bool isNhwc = nhwc.Contains(node.Inputs[0]);
                    launches.AddRange(node.Op is Conv2d conv
                        ? isNhwc ? Int8Conv2dLauncher.PlanTensorCoreNhwc(node, conv, context, qp, In(node), Weight(node.ParameterName("weight")), bias, target, mode)
                            : Int8Conv2dLauncher.Plan(node, conv, context, qp, In(node), Weight(node.ParameterName("weight")), bias, target, mode)
                        : Int8Conv2dLauncher.PlanLinear(node, (Linear)node.Op, context, qp, In(node), Weight(node.ParameterName("weight")), bias, target, mode));
                    if (int8.Requantizes.TryGetValue(node.Name, out var requantize))
                        launches.Add(RequantizeLauncher.Requantize(requantize, context.Shape(node.Output), qp, target, Activation(node.Output), isNhwc));
                    break;
                case AdaptiveAvgPool2d { IsGlobal: true }:
                    var pool = quant.Layer(node);
                    launches.Add(RequantizeLauncher.GlobalAvgPool(node, context.Shape(node.Inputs[0]), pool.Multipliers[0], pool.Shifts[0], 0, 0,
                        In(node), Activation(node.Output)));
                    break;
                case Add:
                    launches.Add(Int8AddLauncher.Plan(node, context.Shape(node.Output), quant.Layer(node), In(node), Int8(node.Inputs[1]), Activation(node.Output)));
                    break;
                case MaxPool2d max:
                    launches.Add(Int8Pool2dLauncher.MaxPool(node, max, context.Shape(node.Inputs[0]), context.Shape(node.Output), In(node), Activation(node.Output)));
                    break;
                case AdaptiveAvgPool2d:
                    launches.Add(Int8Pool2dLauncher.AdaptiveAvgPool(node, context.Shape(node.Inputs[0]), context.Shape(node.Output), In(node), Activation(node.Output)));
                    break;
                default:
                    throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': no int8 kernel path for this op yet (see docs/quantization.md)");
            }
        }
        var output = OutputMetadata[0];
        var dequantized = AddTensor(state, int8.Dequantize.Output, output.Shape, DataType.Float32);
        launches.Add(RequantizeLauncher.Dequantize(int8.Dequantize, output.Shape.Elements, quant.Scale(output.Name), 0, Activation(output.Name), dequantized));
        return launches;
    }

    /// <summary>Uploads every Conv2d/Linear's multipliers and shifts into one region; returns their slices by node.</summary>
    private Dictionary<string, (BufferSlice Multipliers, BufferSlice Shifts)> UploadRequantization(QuantizedModel quant)
    {
        var layers = ExecutionGraph.Nodes.Where(n => n.Op is Conv2d or Linear).Select(quant.Layer).ToList();
        long Aligned(int count) => Plan.Options.Align(count * 4L);
        var region = Allocate(layers.Sum(l => Aligned(l.Multipliers.Length) + Aligned(l.Shifts.Length)), _buffers);
        var result = new Dictionary<string, (BufferSlice, BufferSlice)>();
        long offset = 0;
        foreach (var layer in layers)
        {
            var m = new BufferSlice(region, offset, layer.Multipliers.Length);
            Backend.Upload(region, offset, System.Runtime.InteropServices.MemoryMarshal.AsBytes(layer.Multipliers.AsSpan()));
            offset += Aligned(layer.Multipliers.Length);
            var s = new BufferSlice(region, offset, layer.Shifts.Length);
            Backend.Upload(region, offset, System.Runtime.InteropServices.MemoryMarshal.AsBytes(layer.Shifts.AsSpan()));
            offset += Aligned(layer.Shifts.Length);
            result[layer.Node] = (m, s);
        }
        return result;
    }
}
