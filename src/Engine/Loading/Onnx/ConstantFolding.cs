namespace GpuEngine.Loading.Onnx;

/// <summary>
/// Evaluates the shape arithmetic exporters write (torch.onnx's flatten: Shape -> Gather -> Unsqueeze -> Concat ->
/// Reshape; tf2onnx's Cast and Slice of shapes) once the input shape is fixed, so those nodes become constants at load
/// and no kernel runs them. Each op follows the ONNX operator spec for opsets 7 to 21 (attribute forms before 10/13,
/// input forms after), on small constants only (<see cref="ShapeConstant.MaxElements"/>).
/// </summary>
internal static partial class ConstantFolding
{
    /// <summary>Op types folded when their inputs are constants (Shape: when its input's shape is known).</summary>
    public static readonly string[] Ops =
        ["Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Add", "Sub", "Mul", "Div", "ConstantOfShape", "Reshape"];

    /// <summary>Everything a fold needs to know about one node; <see cref="Error"/> builds the importer's message naming it.</summary>
    public sealed record FoldNode(string OpType, IReadOnlyList<ShapeConstant?> Inputs, IReadOnlyDictionary<string, Proto.AttributeProto> Attributes,
        long Opset, Func<string, GpuEngineException> Error, string File);

    /// <summary>The node's output value; null where it cannot be folded (an input is an activation).</summary>
    public static ShapeConstant? Fold(FoldNode n)
    {
        if (n.OpType != "Shape" && n.Inputs.Any(i => i is null)) return null;
        return n.OpType switch
        {
            "Shape" => Shape(n),
            "Gather" => Gather(n, In(n, 0), In(n, 1), (int)Int(n, "axis", 0)),
            "Unsqueeze" => Unsqueeze(n),
            "Squeeze" => Squeeze(n),
            "Concat" => Concat(n, [.. n.Inputs.Select(i => i!)], (int)Int(n, "axis", 0)),
            "Slice" => Slice(n),
            "Cast" => Cast(n),
            "Add" or "Sub" or "Mul" or "Div" => Arithmetic(n),
            "ConstantOfShape" => ConstantOfShape(n),
            "Reshape" => Reshape(n, In(n, 0), In(n, 1).Longs),
            _ => null,
        };
    }

    private static ShapeConstant In(FoldNode n, int index) =>
        index < n.Inputs.Count ? n.Inputs[index] ?? throw n.Error($"input {index} is not constant") : throw n.Error($"lacks input {index}");

    private static ShapeConstant? Optional(FoldNode n, int index) => index < n.Inputs.Count ? n.Inputs[index] : null;

    private static long Int(FoldNode n, string name, long fallback) => n.Attributes.TryGetValue(name, out var a) && a.HasI ? a.I : fallback;

    private static long[]? Ints(FoldNode n, string name) => n.Attributes.TryGetValue(name, out var a) ? [.. a.Ints] : null;

    /// <summary>Axis <paramref name="axis"/> of a rank-<paramref name="rank"/> tensor, negative ones counted from the end.</summary>
    private static int Axis(FoldNode n, long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw n.Error($"has axis {axis} outside a rank-{rank} tensor");
        return (int)a;
    }

    private static ShapeConstant Checked(FoldNode n, ShapeConstant v) => ShapeConstant.Count(v.Dims) <= ShapeConstant.MaxElements
        ? v
        : throw n.Error($"computes a constant of {ShapeConstant.Count(v.Dims)} elements; shape arithmetic on at most {ShapeConstant.MaxElements} is folded");
}
