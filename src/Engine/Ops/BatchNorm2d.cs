using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>
/// Inference-time batch normalization: y = (x - mean) / sqrt(var + eps) * gamma + beta, per channel.
/// gamma and beta are parameters; running mean and variance are buffers (not counted as parameters).
/// </summary>
public sealed record BatchNorm2d(int Channels, float Epsilon = 1e-5f) : Op
{
    public override string TypeName => "BatchNorm2d";

    public override IReadOnlyList<ParameterSpec> Parameters =>
    [
        new("weight", new TensorShape(Channels)),
        new("bias", new TensorShape(Channels)),
        new("running_mean", new TensorShape(Channels), Trainable: false),
        new("running_var", new TensorShape(Channels), Trainable: false),
    ];

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        var x = inputs[0];
        RequireRank(node, x, 4, "NCHW");
        if (x.C != Channels)
            throw Mismatch(node, $"input {x} has {x.C} channels but the layer normalizes {Channels}");
        return x;
    }
}
