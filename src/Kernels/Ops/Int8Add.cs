using ILGPU;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Int8 residual Add, TFLite's integer-only quantized add: each input is moved to a common finer scale (shifted left
/// by <see cref="LeftShift"/> bits, then rescaled by its own multiplier: scale_x / (2·max(scale_a, scale_b))), the two
/// are summed in int32, and the sum is requantized to the output scale (2·max(scale_a, scale_b) / (2^LeftShift ·
/// scale_out)). The fused activation is the clamp, as in <see cref="RequantizeKernels"/>. Zero points are 0.
/// </summary>
public static class Int8AddKernels
{
    /// <summary>
    /// TFLite's 20 bits: an int8 input becomes at most 2^27 and each rescaled input at most 2^26, so the int32 sum
    /// cannot overflow, while 20 bits of fraction keep the two rescales' rounding far below one output step.
    /// </summary>
    public const int LeftShift = 20;

    /// <summary>
    /// output[i] = clamp(MBQM(MBQM(a[i]·2^LeftShift, mA, sA) + MBQM(b[i]·2^LeftShift, mB, sB), mOut, sOut), clampMin, clampMax),
    /// MBQM = MultiplyByQuantizedMultiplier. Views: a, b, output int8, same shape. Grid: <c>LaunchGrid.Linear(count)</c> or smaller.
    /// </summary>
    [Kernel]
    public static void Int8Add(ArrayView<sbyte> a, ArrayView<sbyte> b, ArrayView<sbyte> output,
        Int8AddParams p)
    {
        int count = p.Count;
        int multiplierA = p.MultiplierA;
        int shiftA = p.ShiftA;
        int multiplierB = p.MultiplierB;
        int shiftB = p.ShiftB;
        int outputMultiplier = p.OutputMultiplier;
        int outputShift = p.OutputShift;
        int clampMin = p.ClampMin;
        int clampMax = p.ClampMax;
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
        {
            // A multiply, not a left shift: shifting a negative value left is undefined in C.
            int sum = Int8Math.MultiplyByQuantizedMultiplier(a[i] * (1 << LeftShift), multiplierA, shiftA)
                + Int8Math.MultiplyByQuantizedMultiplier(b[i] * (1 << LeftShift), multiplierB, shiftB);
            output[i] = RequantizeKernels.Requant(sum, outputMultiplier, outputShift, 0, clampMin, clampMax);
        }
    }
}

/// <summary>Element count, rescales and clamp of <see cref="Int8AddKernels.Int8Add"/> (flat launch arguments in field order).</summary>
public struct Int8AddParams
{
    public int Count;
    public int MultiplierA;
    public int ShiftA;
    public int MultiplierB;
    public int ShiftB;
    public int OutputMultiplier;
    public int OutputShift;
    public int ClampMin;
    public int ClampMax;
}
