using ILGPU;

namespace GpuEngine.Kernels.Ops;

/// <summary>Transpose of an fp32 tensor of rank 4 at most: one thread an output element.</summary>
public static class TransposeKernels
{
    /// <summary>
    /// output[i] = input[i0·S0 + i1·S1 + i2·S2 + i3·S3] where (i0, i1, i2, i3) are output element i's coordinates in
    /// [count / (D1·D2·D3), D1, D2, D3] and Sk is the input stride of the input axis that output axis k takes
    /// (see <see cref="TransposeParams"/>). Grid: <c>LaunchGrid.Linear(count)</c> or smaller. Never in place.
    /// </summary>
    [Kernel]
    public static void Transpose(ArrayView<float> input, ArrayView<float> output, TransposeParams p)
    {
        for (int i = Grid.GlobalIndex.X; i < p.Count; i += Grid.DimX * Group.DimX)
        {
            int i3 = i % p.D3;
            int rest = i / p.D3;
            int i2 = rest % p.D2;
            rest /= p.D2;
            int i1 = rest % p.D1;
            int i0 = rest / p.D1;
            output[i] = input[i0 * p.S0 + i1 * p.S1 + i2 * p.S2 + i3 * p.S3];
        }
    }
}

/// <summary>
/// The output's count and dims 1..3 (rank padded to 4 with leading ones) and, per output axis, the stride of the input
/// axis it takes (flat launch arguments in field order).
/// </summary>
public struct TransposeParams
{
    public int Count;
    public int D1;
    public int D2;
    public int D3;
    public int S0;
    public int S1;
    public int S2;
    public int S3;
}
