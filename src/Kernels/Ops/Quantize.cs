using ILGPU;
using ILGPU.Algorithms;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Conversions at the edges of an int8 region: q = sat8(roundHalfEven(x · (1 / scale)) + zeroPoint) and
/// x = (q − zeroPoint) · scale. Round half to even (PyTorch's quantize_per_tensor, nearbyint) rather than away from
/// zero (TFLite's reference): it has no bias at ties, and rint is one instruction on every backend. The host passes
/// 1 / scale: a multiply is correctly rounded on every backend, while OpenCL allows 2.5 ulp for a float division,
/// which would break bit-exact agreement.
/// </summary>
public static class QuantizeKernels
{
    /// <summary>float32 → int8, elementwise over <paramref name="count"/> values. Grid: <c>LaunchGrid.Linear(count)</c> or smaller.</summary>
    [Kernel]
    public static void Quantize(ArrayView<float> input, ArrayView<sbyte> output, int count, float inverseScale, int zeroPoint)
    {
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
        {
            // Clamp before the int conversion: a float beyond int range converts to an undefined value in C.
            float q = XMath.Clamp(XMath.RoundToEven(input[i] * inverseScale), -1024f, 1024f);
            output[i] = Int8Math.SaturateToSByte((int)q + zeroPoint);
        }
    }

    /// <summary>int8 → float32, elementwise. Exact: (q − zp) is a small integer and one multiply rounds once.</summary>
    [Kernel]
    public static void Dequantize(ArrayView<sbyte> input, ArrayView<float> output, int count, float scale, int zeroPoint)
    {
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
            output[i] = (input[i] - zeroPoint) * scale;
    }
}
