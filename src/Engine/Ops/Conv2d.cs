using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>
/// 2-D convolution over NCHW input, PyTorch semantics: weight [Cout, Cin/groups, kh, kw], optional bias [Cout].
/// Depthwise is groups = Cin. <see cref="Fused"/> is an activation folded in by the fusion pass.
/// </summary>
public sealed record Conv2d(
    int InChannels,
    int OutChannels,
    Size2 Kernel,
    Size2 Stride,
    Size2 Padding,
    Size2 Dilation,
    int Groups = 1,
    bool HasBias = true,
    Activation Fused = Activation.None) : Op
{
    /// <summary>The common square case: kernel k, stride s, padding p, no dilation.</summary>
    public static Conv2d Square(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, int groups = 1, bool bias = true) =>
        new(inChannels, outChannels, kernel, stride, padding, 1, groups, bias);

    public override string TypeName => "Conv2d";

    /// <summary>Input channels one output channel sees.</summary>
    public int InChannelsPerGroup => InChannels / Groups;

    /// <summary>Reduction length K = Cin/groups * kh * kw: multiply-accumulates per output element.</summary>
    public long ReductionLength => (long)InChannelsPerGroup * Kernel.H * Kernel.W;

    public bool IsDepthwise => Groups == InChannels && Groups > 1;

    public override IReadOnlyList<ParameterSpec> Parameters => HasBias
        ? [new("weight", WeightShape), new("bias", new TensorShape(OutChannels))]
        : [new("weight", WeightShape)];

    public TensorShape WeightShape => new(OutChannels, InChannelsPerGroup, Kernel.H, Kernel.W);

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        var x = inputs[0];
        RequireRank(node, x, 4, "NCHW");
        if (Groups <= 0 || InChannels % Groups != 0 || OutChannels % Groups != 0)
            throw Mismatch(node, $"groups={Groups} must divide in_channels={InChannels} and out_channels={OutChannels}");
        if (x.C != InChannels)
            throw Mismatch(node, $"input {x} has {x.C} channels but weight {WeightShape} expects {InChannels} (groups={Groups})");
        int h = OutputSize(node, x.H, Kernel.H, Stride.H, Padding.H, Dilation.H, x);
        int w = OutputSize(node, x.W, Kernel.W, Stride.W, Padding.W, Dilation.W, x);
        return new TensorShape(x.N, OutChannels, h, w);
    }

    private int OutputSize(string node, int size, int kernel, int stride, int pad, int dilation, TensorShape x)
    {
        int span = dilation * (kernel - 1) + 1;
        int outSize = (size + 2 * pad - span) / stride + 1;
        if (size + 2 * pad < span || outSize <= 0)
            throw Mismatch(node, $"kernel {Kernel} (dilation {Dilation}) does not fit input {x} with padding {Padding}");
        return outSize;
    }
}
