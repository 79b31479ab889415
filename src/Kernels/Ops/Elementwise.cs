using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Pointwise ops of one or two operands over flat fp32 tensors (Sigmoid, HardSigmoid, HardSwish, Clip, LeakyRelu;
/// Add, Sub, Mul, Div, Max with broadcasting). The op is a SpecializedValue&lt;int&gt;, so each compiles without the branch.
/// </summary>
public static class ElementwiseKernels
{
    /// <summary>
    /// output[i] = f(input[i]) for i &lt; count, f = <see cref="ElementwiseMath.Unary"/> of <paramref name="kind"/>
    /// with constants <paramref name="alpha"/>, <paramref name="beta"/>. Grid: <c>LaunchGrid.Linear(count)</c> or smaller
    /// (grid-stride loop). In place is fine.
    /// </summary>
    [Kernel]
    public static void Unary(ArrayView<float> input, ArrayView<float> output, int count, float alpha, float beta, SpecializedValue<int> kind)
    {
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
            output[i] = ElementwiseMath.Unary(input[i], kind, alpha, beta);
    }

    /// <summary>
    /// output[i] = a[ia] op b[ib] over an output of shape [d0, d1, d2, d3] (rank padded to 4 with leading ones),
    /// count = d0·d1·d2·d3 (see <see cref="BroadcastParams"/>); ia and ib are the output coordinates dotted with the operands' strides, which are 0 along
    /// broadcast dimensions. Grid: <c>LaunchGrid.Linear(count)</c> or smaller. In place over an operand with the
    /// output's shape is fine (element i is read before it is written, by the same thread).
    /// </summary>
    [Kernel]
    public static void Binary(ArrayView<float> a, ArrayView<float> b, ArrayView<float> output, BroadcastParams p, SpecializedValue<int> kind)
    {
        for (int i = Grid.GlobalIndex.X; i < p.Count; i += Grid.DimX * Group.DimX)
        {
            int i3 = i % p.D3;
            int rest = i / p.D3;
            int i2 = rest % p.D2;
            rest /= p.D2;
            int i1 = rest % p.D1;
            int i0 = rest / p.D1;
            float x = a[i0 * p.A0 + i1 * p.A1 + i2 * p.A2 + i3 * p.A3];
            float y = b[i0 * p.B0 + i1 * p.B1 + i2 * p.B2 + i3 * p.B3];
            output[i] = ElementwiseMath.Binary(x, y, kind);
        }
    }
}

/// <summary>
/// The output's count and dims 1..3 (dim 0 is count / (D1·D2·D3)) and the operands' strides A0..A3, B0..B3 along the
/// rank-4 output, 0 where an operand is broadcast (flat launch arguments in field order).
/// </summary>
public struct BroadcastParams
{
    public int Count;
    public int D1;
    public int D2;
    public int D3;
    public int A0;
    public int A1;
    public int A2;
    public int A3;
    public int B0;
    public int B1;
    public int B2;
    public int B3;
}

/// <summary>The scalar functions of <see cref="ElementwiseKernels"/>, by code (the engine's UnaryKind and BinaryKind values).</summary>
public static class ElementwiseMath
{
    public const int Sigmoid = 0, HardSigmoid = 1, HardSwish = 2, Clip = 3, LeakyRelu = 4;
    public const int Add = 0, Sub = 1, Mul = 2, Div = 3, Max = 4;

    /// <summary>Applies unary function <paramref name="kind"/> with constants <paramref name="alpha"/> and <paramref name="beta"/>.</summary>
    public static float Unary(float x, int kind, float alpha, float beta)
    {
        if (kind == Sigmoid) return 1f / (1f + XMath.Exp(-x));
        if (kind == HardSigmoid) return Math.Max(0f, Math.Min(1f, alpha * x + beta));
        if (kind == HardSwish) return x * Math.Max(0f, Math.Min(1f, x / 6f + 0.5f));
        if (kind == Clip) return Math.Min(Math.Max(x, alpha), beta);
        return x >= 0f ? x : alpha * x;
    }

    /// <summary>Applies binary function <paramref name="kind"/>.</summary>
    public static float Binary(float x, float y, int kind)
    {
        if (kind == Add) return x + y;
        if (kind == Sub) return x - y;
        if (kind == Mul) return x * y;
        if (kind == Div) return x / y;
        return Math.Max(x, y);
    }
}
