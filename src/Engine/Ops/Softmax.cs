using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>
/// Softmax along one axis (opset 13's form; older files' flattening to 2-D equals it when the axis is the last,
/// which the importer checks): exp(x - max) / sum, per row. Output shape = input shape.
/// </summary>
public sealed record Softmax(int Axis) : ElementwiseOp
{
    public override string TypeName => "Softmax";

    /// <summary>The product of the dims before the axis, the axis length, and the product after it.</summary>
    public (int Outer, int Length, int Inner) Rows(TensorShape x)
    {
        int axis = Axis < 0 ? Axis + x.Rank : Axis;
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x[i];
        for (int i = axis + 1; i < x.Rank; i++) inner *= x[i];
        return (outer, x[axis], inner);
    }
}

/// <summary>Reshape to a fixed shape (the ONNX shape tensor, folded at load): a view of the input's bytes.</summary>
public sealed record Reshape(TensorShape Target) : Op
{
    public override string TypeName => "Reshape";

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        if (inputs[0].Elements != Target.Elements) throw Mismatch(node, $"cannot reshape {inputs[0]} to {Target}");
        return Target;
    }
}
