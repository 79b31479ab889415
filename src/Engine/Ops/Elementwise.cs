using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>The pointwise functions of <see cref="Unary"/>; the values are the kernel's <c>ElementwiseMath</c> codes.</summary>
public enum UnaryKind
{
    /// <summary>1 / (1 + exp(-x)).</summary>
    Sigmoid = 0,
    /// <summary>max(0, min(1, alpha x + beta)) (ONNX defaults alpha 0.2, beta 0.5).</summary>
    HardSigmoid = 1,
    /// <summary>x · max(0, min(1, x / 6 + 1 / 2)).</summary>
    HardSwish = 2,
    /// <summary>min(max(x, alpha), beta): Clip to any bounds.</summary>
    Clip = 3,
    /// <summary>x when x &gt;= 0, else alpha x.</summary>
    LeakyRelu = 4,
}

/// <summary>
/// A pointwise function of one activation (Sigmoid, HardSigmoid, HardSwish, Clip, LeakyRelu): output shape = input
/// shape. <paramref name="Alpha"/> and <paramref name="Beta"/> are the function's two constants (see <see cref="UnaryKind"/>).
/// </summary>
public sealed record Unary(UnaryKind Kind, float Alpha = 0, float Beta = 0) : ElementwiseOp
{
    public override string TypeName => Kind.ToString();
}

/// <summary>The two-operand functions of <see cref="Binary"/>; the values are the kernel's codes.</summary>
public enum BinaryKind
{
    Add = 0,
    Sub = 1,
    Mul = 2,
    Div = 3,
    Max = 4,
}

/// <summary>
/// A two-operand elementwise op with NumPy broadcasting (ONNX's multidirectional rule), rank 4 at most:
/// per-channel scales ([C, 1, 1] against [N, C, H, W]), squeeze-excitation gates ([N, C, 1, 1]), scalars.
/// With <paramref name="Constant"/> set, one operand is the weight <c>constant</c> of that shape and the op takes one
/// activation; <paramref name="ConstantFirst"/> says it is the left operand (3 - x, 6 / x).
/// </summary>
public sealed record Binary(BinaryKind Kind, TensorShape? Constant = null, bool ConstantFirst = false) : Op
{
    /// <summary>The largest rank the kernel indexes.</summary>
    public const int MaxRank = 4;

    public override string TypeName => Kind.ToString();
    public override int Arity => Constant is null ? 2 : 1;

    public override IReadOnlyList<ParameterSpec> Parameters =>
        Constant is { } c ? [new ParameterSpec("constant", c, Trainable: false)] : [];

    /// <summary>The left and right operand shapes, given the activation input shapes.</summary>
    public (TensorShape Left, TensorShape Right) Operands(IReadOnlyList<TensorShape> inputs) => Constant is { } c
        ? ConstantFirst ? (c, inputs[0]) : (inputs[0], c)
        : (inputs[0], inputs[1]);

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        var (a, b) = Operands(inputs);
        int rank = Math.Max(a.Rank, b.Rank);
        if (rank > MaxRank) throw Mismatch(node, $"operands {a} and {b} have rank above {MaxRank}");
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = Dim(a, i - rank + a.Rank), db = Dim(b, i - rank + b.Rank);
            if (da != db && da != 1 && db != 1) throw Mismatch(node, $"shapes {a} and {b} do not broadcast");
            dims[i] = Math.Max(da, db);
        }
        return new TensorShape(dims);
    }

    private static int Dim(TensorShape s, int axis) => axis < 0 ? 1 : s[axis];
}
