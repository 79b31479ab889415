using ILGPU;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Activation fused into an op's epilogue, passed as a SpecializedValue&lt;int&gt; so each variant compiles without the branch.
/// </summary>
public static class FusedActivation
{
    public const int None = 0;
    public const int Relu = 1;
    public const int Relu6 = 2;

    /// <summary>Applies activation <paramref name="kind"/> (one of the constants above) to <paramref name="x"/>.</summary>
    public static float Apply(float x, int kind)
    {
        if (kind == Relu) return Math.Max(x, 0f);
        if (kind == Relu6) return Math.Min(Math.Max(x, 0f), 6f);
        return x;
    }
}
