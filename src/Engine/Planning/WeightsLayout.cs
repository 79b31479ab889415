using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Planning;

/// <summary>A parameter tensor's place in the weights region (separate from the activation arena: weights live for the whole run).</summary>
public sealed record PlannedWeight(string Name, TensorShape Shape, DataType DataType, long Bytes, long Offset)
{
    public ArenaView View => new(Offset, Bytes);
}

/// <summary>
/// Lays out the weights region: every parameter in node order, each at an aligned offset.
/// Types: fp32 plans keep everything float32; int8 plans store Conv2d/Linear weights as int8 and their
/// biases as int32 (the accumulator's type, as a real int8 kernel needs), other parameters (BatchNorm,
/// which int8 graphs normally fold away) float32.
/// </summary>
internal static class WeightsLayout
{
    public static List<PlannedWeight> Build(Graph graph, PlanOptions options)
    {
        var weights = new List<PlannedWeight>();
        long offset = 0;
        foreach (var node in graph.Nodes)
        {
            foreach (var p in node.Op.Parameters)
            {
                var type = TypeOf(node.Op, p, options.Precision);
                long bytes = p.Shape.Elements * type.Size();
                weights.Add(new PlannedWeight(node.ParameterName(p.Role), p.Shape, type, bytes, offset));
                offset += options.Align(bytes);
            }
        }
        return weights;
    }

    private static DataType TypeOf(Op op, ParameterSpec p, Precision precision)
    {
        if (precision == Precision.Fp32 || op is not (Conv2d or Linear)) return p.DataType;
        return p.Role == "bias" ? DataType.Int32 : DataType.Int8;
    }
}
