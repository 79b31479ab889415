using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// The analytic cost of every layer: dispatches each op to its cost file and converts element counts
/// to bytes. RASP's byte columns are for float32 (4 bytes an element), weights read once per batch.
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
            _ => throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': the cost model has no formula for this op"),
        };
    }

    /// <summary>The full row for one layer: float32 bytes, the seed's int8 model, and the real int8 weight bytes.</summary>
    public static LayerCost Layer(Graph graph, Node node)
    {
        var c = Count(graph, node);
        long parameters = node.Op.ParameterCount;
        long outputs = graph.OutputShape(node).Elements;
        return new LayerCost(
            Layer: node.Name,
            Type: node.Op.TypeName,
            InShape: graph.InputShape(node),
            OutShape: graph.OutputShape(node),
            Params: parameters,
            Flops: c.Flops,
            Macc: c.Macc,
            MemR: 4 * (c.ReadElements + (c.IsView ? 0 : parameters)),
            MemW: 4 * c.WriteElements,
            ActBytesInt8: c.IsView ? 0 : outputs,
            AddsumBytesInt32: c.HasAddsum ? 4 * outputs : 0,
            WeightBias: parameters,
            WeightBiasReal: RealWeightBytes(node.Op));
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
