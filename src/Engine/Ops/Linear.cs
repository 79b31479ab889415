using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>y = x W^T + b over [N, in_features] input; weight [out_features, in_features] as in PyTorch.</summary>
public sealed record Linear(int InFeatures, int OutFeatures, bool HasBias = true, Activation Fused = Activation.None) : Op
{
    public override string TypeName => "Linear";

    public override IReadOnlyList<ParameterSpec> Parameters => HasBias
        ? [new("weight", new TensorShape(OutFeatures, InFeatures)), new("bias", new TensorShape(OutFeatures))]
        : [new("weight", new TensorShape(OutFeatures, InFeatures))];

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        var x = inputs[0];
        RequireRank(node, x, 2, "NF");
        if (x[1] != InFeatures)
            throw Mismatch(node, $"input {x} has {x[1]} features but weight {OutFeatures}x{InFeatures} expects {InFeatures}");
        return new TensorShape(x.N, OutFeatures);
    }
}

/// <summary>torch.flatten(x, 1): [N, C, H, W] to [N, C*H*W]. A view: no data moves.</summary>
public sealed record Flatten(int StartDim = 1) : Op
{
    public override string TypeName => "Flatten";

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        var x = inputs[0];
        if (StartDim < 1 || StartDim >= x.Rank)
            throw Mismatch(node, $"start_dim {StartDim} is outside input {x}");
        var dims = x.Dims.Take(StartDim).ToList();
        dims.Add((int)x.Dims.Skip(StartDim).Aggregate(1L, (a, d) => a * d));
        return new TensorShape([.. dims]);
    }
}
