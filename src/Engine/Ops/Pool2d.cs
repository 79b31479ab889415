using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>Window pooling shared by max and average pooling (PyTorch's output-size rule, ceil mode included).</summary>
public abstract record WindowPool2d(Size2 Kernel, Size2 Stride, Size2 Padding, bool CeilMode) : Op
{
    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        var x = inputs[0];
        RequireRank(node, x, 4, "NCHW");
        if (2 * Padding.H > Kernel.H || 2 * Padding.W > Kernel.W)
            throw Mismatch(node, $"padding {Padding} must be at most half the kernel {Kernel}");
        return new TensorShape(x.N, x.C, OutputSize(node, x, x.H, Kernel.H, Stride.H, Padding.H), OutputSize(node, x, x.W, Kernel.W, Stride.W, Padding.W));
    }

    private int OutputSize(string node, TensorShape x, int size, int kernel, int stride, int pad)
    {
        int room = size + 2 * pad - kernel;
        if (room < 0) throw Mismatch(node, $"kernel {Kernel} does not fit input {x} with padding {Padding}");
        int outSize = (CeilMode ? (room + stride - 1) / stride : room / stride) + 1;
        // PyTorch: the last window must start inside the input or its left padding.
        if (CeilMode && (outSize - 1) * stride >= size + pad) outSize--;
        return outSize;
    }
}

/// <summary>Max over each window; padding counts as minus infinity.</summary>
public sealed record MaxPool2d(Size2 Kernel, Size2 Stride, Size2 Padding, bool CeilMode = false)
    : WindowPool2d(Kernel, Stride, Padding, CeilMode)
{
    public override string TypeName => "MaxPool2d";
}

/// <summary>Mean over each window; <see cref="CountIncludePad"/> as in PyTorch (default true).</summary>
public sealed record AvgPool2d(Size2 Kernel, Size2 Stride, Size2 Padding, bool CeilMode = false, bool CountIncludePad = true)
    : WindowPool2d(Kernel, Stride, Padding, CeilMode)
{
    public override string TypeName => "AvgPool2d";
}

/// <summary>
/// Average pooling to a fixed output size (PyTorch's window rule: start = floor(i*H/out), end = ceil((i+1)*H/out)).
/// Output 1x1 is global average pooling.
/// </summary>
public sealed record AdaptiveAvgPool2d(Size2 OutputSize) : Op
{
    public override string TypeName => "AdaptiveAvgPool2d";

    public bool IsGlobal => OutputSize.H == 1 && OutputSize.W == 1;

    /// <summary>Whether input <paramref name="x"/> splits into equal, disjoint bins: then this is a plain average pool.</summary>
    public bool TilesInput(TensorShape x) => x.H % OutputSize.H == 0 && x.W % OutputSize.W == 0;

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        var x = inputs[0];
        RequireRank(node, x, 4, "NCHW");
        return new TensorShape(x.N, x.C, OutputSize.H, OutputSize.W);
    }

    /// <summary>The input rows (or columns) that output index <paramref name="i"/> averages.</summary>
    public static (int Start, int End) Window(int i, int inSize, int outSize) =>
        (i * inSize / outSize, ((i + 1) * inSize + outSize - 1) / outSize);
}
