using GpuEngine.Quantization;
using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Planning;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// The analytic cost of every layer: dispatches each op to its cost file and converts element counts
/// to bytes for the data types of a <see cref="CostPrecision"/>: float32 (RASP's columns, 4 bytes an element) or
/// int8 sessions (1-byte activations and weights, int32 biases and addsums); weights read once per batch.
/// </summary>
public static class CostModel
{
    /// <summary>Element counts of one node's op.</summary>
    public static OpCounts Count(Graph graph, Node node)
    {
        var input = graph.InputShape(node);
        var output = graph.OutputShape(node);
        return node.Op switch
        {
            Conv2d conv => Conv2dCost.Count(conv, input, output),
            Linear linear => LinearCost.Count(linear, input, output),
            BatchNorm2d => BatchNorm2dCost.Count(input, output),
            Relu or Relu6 => ActivationCost.Count(input, output),
            Dropout => ActivationCost.CountDropout(),
            Flatten => LinearCost.CountFlatten(),
            MaxPool2d max => Pool2dCost.CountMax(max, input, output),
            AvgPool2d avg => Pool2dCost.CountAvg(avg, input, output),
            AdaptiveAvgPool2d adaptive => Pool2dCost.CountAdaptiveAvg(adaptive, input, output),
            Add add => AddCost.Count(add, input, graph.InputShape(node, 1), output),
            Unary unary => ElementwiseCost.Count(unary, input, output),
            Binary binary => ElementwiseCost.Count(binary, [.. node.Inputs.Select((_, i) => graph.InputShape(node, i))], output),
            Softmax => ElementwiseCost.CountSoftmax(input, output),
            Reshape => ElementwiseCost.CountReshape(),
            Concat => ConcatCost.Count([.. node.Inputs.Select((_, i) => graph.InputShape(node, i))], output),
            Transpose => TransposeCost.Count(input, output),
            Pad pad => PadCost.Count(pad, input, output),
            _ => throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': the cost model has no formula for this op"),
        };
    }

    /// <summary>The full row for one layer: float32 bytes, the seed's int8 model, and the real int8 weight bytes.</summary>
    public static LayerCost Layer(Graph graph, Node node) => Layer(graph, node, CostPrecision.Fp32);

    /// <summary>The full row for one layer with bytes for <paramref name="precision"/>'s data types: the sum of its <see cref="Steps"/>.</summary>
    public static LayerCost Layer(Graph graph, Node node, CostPrecision precision) =>
        LayerCost.Sum(node.Name, node.Op.TypeName, graph.InputShape(node), graph.OutputShape(node), Steps(graph, node, precision));

    /// <summary>
    /// The costs of a layer's launches, in order: its kernel, and where <paramref name="precision"/> keeps int32 accumulators
    /// in device memory (int8 addsum mode, Conv2d and Linear) then the requantize step. The kernel then writes the int32
    /// addsum (4 bytes an output) instead of the activation, and the requantize step reads it back and writes the int8 output.
    /// </summary>
    public static IReadOnlyList<LayerCost> Steps(Graph graph, Node node, CostPrecision precision)
    {
        // The int8 layout pass's conversions (plain NHWC: padded channels = C): bytes moved, no arithmetic.
        if (node.Op is Int8LayoutOp layout)
        {
            var shape = graph.InputShape(node);
            return [layout.ToNhwc ? Int8LayoutCost.ToNhwc(node.Name, shape, shape.C) : Int8LayoutCost.ToNchw(node.Name, shape, shape.C)];
        }
        var c = Count(graph, node);
        long parameters = node.Op.ParameterCount;
        var output = graph.OutputShape(node);
        bool addsum = precision.WritesAddsum(c);
        var kernel = new LayerCost(
            Layer: node.Name,
            Type: node.Op.TypeName,
            InShape: graph.InputShape(node),
            OutShape: output,
            Params: parameters,
            Flops: c.Flops,
            Macc: c.Macc,
            MemR: precision.ActivationBytes * c.ReadElements + (c.IsView ? 0 : precision.ParameterBytes(node.Op)),
            MemW: (addsum ? DataType.Int32.Size() : precision.ActivationBytes) * c.WriteElements,
            ActBytesInt8: c.IsView ? 0 : output.Elements,
            AddsumBytesInt32: c.HasAddsum ? 4 * output.Elements : 0,
            WeightBias: parameters,
            WeightBiasReal: RealWeightBytes(node.Op));
        return addsum ? [kernel, ConversionCost.Count(PlanStep.RequantizeName(node.Name), new RequantizeOp(), output)] : [kernel];
    }

    /// <summary>
    /// Weight bytes as an int8 kernel really stores them: int8 weights, int32 bias (Conv2d, Linear);
    /// other parameters (BatchNorm, folded away in deploy graphs) stay float32.
    /// </summary>
    public static long RealWeightBytes(Op op) => op switch
    {
        Conv2d or Linear => op.Parameters.Sum(p => p.Role == "bias" ? 4 * p.Shape.Elements : p.Shape.Elements),
        _ => 4 * op.ParameterCount,
    };
}
