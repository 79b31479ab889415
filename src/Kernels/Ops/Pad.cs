using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels.Ops;

/// <summary>Pad of an fp32 tensor of rank 4 at most in constant, reflect or edge mode: one thread an output element.</summary>
public static class PadKernels
{
    public const int Constant = 0, Reflect = 1, Edge = 2;

    /// <summary>
    /// For output element i with coordinates (o0..o3) in [count / (O1·O2·O3), O1, O2, O3] the source coordinate along
    /// each axis is ok − Bk; outside [0, Ik) the constant mode writes <c>p.Value</c>, reflect mirrors it (−s, or
    /// 2(Ik − 1) − s; pads are below Ik) and edge clamps it. Grid: <c>LaunchGrid.Linear(count)</c> or smaller. Never in place.
    /// </summary>
    [Kernel]
    public static void Pad(ArrayView<float> input, ArrayView<float> output, PadParams p, SpecializedValue<int> mode)
    {
        for (int i = Grid.GlobalIndex.X; i < p.Count; i += Grid.DimX * Group.DimX)
        {
            int o3 = i % p.O3;
            int rest = i / p.O3;
            int o2 = rest % p.O2;
            rest /= p.O2;
            int o1 = rest % p.O1;
            int o0 = rest / p.O1;
            int s0 = Source(o0 - p.B0, p.I0, mode);
            int s1 = Source(o1 - p.B1, p.I1, mode);
            int s2 = Source(o2 - p.B2, p.I2, mode);
            int s3 = Source(o3 - p.B3, p.I3, mode);
            bool inside = s0 >= 0 && s1 >= 0 && s2 >= 0 && s3 >= 0;
            output[i] = inside ? input[((s0 * p.I1 + s1) * p.I2 + s2) * p.I3 + s3] : p.Value;
        }
    }

    /// <summary>The source index for <paramref name="s"/> along an axis of <paramref name="length"/>, −1 for the constant fill.</summary>
    public static int Source(int s, int length, int mode)
    {
        if (s >= 0 && s < length) return s;
        if (mode == Constant) return -1;
        if (mode == Edge) return s < 0 ? 0 : length - 1;
        return s < 0 ? -s : 2 * (length - 1) - s;
    }
}

/// <summary>
/// The output's count and dims 1..3, the input's dims I0..I3 and the leading pads B0..B3 (rank padded to 4 with
/// leading ones and zero pads), and the constant fill (flat launch arguments in field order).
/// </summary>
public struct PadParams
{
    public int Count;
    public int O1;
    public int O2;
    public int O3;
    public int I0;
    public int I1;
    public int I2;
    public int I3;
    public int B0;
    public int B1;
    public int B2;
    public int B3;
    public float Value;
}
