using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>Elementwise sum of two tensors of the same shape (residual connections), optionally with a fused activation.</summary>
public sealed record Add(Activation Fused = Activation.None) : Op
{
    public override string TypeName => "Add";
    public override int Arity => 2;

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        if (inputs[0] != inputs[1])
            throw Mismatch(node, $"shapes {inputs[0]} and {inputs[1]} differ");
        return inputs[0];
    }
}
