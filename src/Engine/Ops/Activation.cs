using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>Elementwise activations: the output has the input's shape.</summary>
public abstract record ElementwiseOp : Op
{
    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs) => inputs[0];
}

/// <summary>max(x, 0).</summary>
public sealed record Relu : ElementwiseOp
{
    public override string TypeName => "ReLU";
}

/// <summary>min(max(x, 0), 6), as in MobileNetV2.</summary>
public sealed record Relu6 : ElementwiseOp
{
    public override string TypeName => "ReLU6";
}

/// <summary>Dropout at inference: the identity. Kept in the graph so layer lists match the reference.</summary>
public sealed record Dropout(float P = 0.5f) : ElementwiseOp
{
    public override string TypeName => "Dropout";
}
