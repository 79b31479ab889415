using ILGPU;
using ILGPU.Algorithms;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// int32 accumulators to int8 (gemmlowp / TFLite integer-only inference). A real scale s = input_scale ·
/// weight_scale[c] / output_scale (below 1) is carried as multiplier[c] in [2^30, 2^31) and shift[c] ≥ 0 with
/// s = multiplier · 2^-31 · 2^-shift; then q = clamp(MultiplyByQuantizedMultiplier(acc) + outputZeroPoint,
/// clampMin, clampMax). The fused activation is that clamp in the int8 domain: none [-128, 127], ReLU
/// [zp, 127], ReLU6 [zp, min(127, zp + round(6 / output_scale))].
/// </summary>
public static class RequantizeKernels
{
    /// <summary>Modes of the int8 GEMM-like kernels (a SpecializedValue&lt;int&gt; argument).</summary>
    public const int Fused = 0;

    /// <summary>Write acc + bias to the int32 "addsum" buffer; a later <see cref="Requantize"/> makes int8 of it.</summary>
    public const int AddSumWrite = 1;

    /// <summary>Add acc + bias into the int32 buffer (branches of one block summed before a single requantization).</summary>
    public const int AddSumAccumulate = 2;

    /// <summary>
    /// output[i] = Requant(accumulator[i]) with the multiplier and shift of channel (i / pixels) % channels.
    /// Views: accumulator int32 [batch, channels, pixels], multiplier/shift int32 [channels], output int8 like the
    /// accumulator. Grid: <c>LaunchGrid.Linear(count)</c> or smaller (grid-stride loop).
    /// </summary>
    [Kernel]
    public static void Requantize(ArrayView<int> accumulator, ArrayView<int> multiplier, ArrayView<int> shift, ArrayView<sbyte> output,
        int channels, int pixels, int count, int outputZeroPoint, int clampMin, int clampMax)
    {
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
        {
            int c = i / pixels % channels;
            output[i] = Requant(accumulator[i], multiplier[c], shift[c], outputZeroPoint, clampMin, clampMax);
        }
    }

    /// <summary>clamp(MultiplyByQuantizedMultiplier(acc, multiplier, shift) + zeroPoint, clampMin, clampMax) as int8.</summary>
    public static sbyte Requant(int acc, int multiplier, int shift, int zeroPoint, int clampMin, int clampMax) =>
        (sbyte)XMath.Clamp(Int8Math.MultiplyByQuantizedMultiplier(acc, multiplier, shift) + zeroPoint, clampMin, clampMax);
}
