using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// The second launch of a split-k conv: the conv kernels run with a grid z of groups · splits write one partial sum
/// per k range into a workspace [splits][batch, cout, outH, outW];
/// these kernels add the splits in a fixed order (split 0 first) and apply the conv's epilogue. int32 sums are exact
/// in any order, so the int8 result is bit-identical to the one-launch kernel's; fp32 sums differ from it only by the
/// order of the additions.
/// </summary>
public static class SplitKReduceKernels
{
    /// <summary>
    /// out[i] = epilogue(Σ_s workspace[s · count + i] + bias[c]) for c = (i / pixels) % channels. Mode
    /// <see cref="RequantizeKernels.Fused"/>: requantized to int8 into <paramref name="output"/> (multiplier, shift,
    /// zero point and clamp as <see cref="RequantizeKernels.Requant"/>, the clamp being the fused ReLU);
    /// <see cref="RequantizeKernels.AddSumWrite"/>: the int32 sum into <paramref name="accumulator"/>. Grid:
    /// <c>LaunchGrid.Linear(count)</c> or smaller (grid-stride loop).
    /// </summary>
    [Kernel]
    public static void Int8SplitKReduce(ArrayView<int> workspace, ArrayView<int> bias, ArrayView<int> multiplier, ArrayView<int> shift,
        ArrayView<sbyte> output, ArrayView<int> accumulator, SplitKReduceParams p, SpecializedValue<int> mode)
    {
        int count = p.Count;
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
        {
            int c = i / p.Pixels % p.Channels;
            int sum = p.HasBias != 0 ? bias[c] : 0;
            int total = 0;
            for (int s = 0; s < p.Splits; s++) total += workspace[s * count + i];
            sum += total;
            if (mode == RequantizeKernels.Fused)
                output[i] = RequantizeKernels.Requant(sum, multiplier[c], shift[c], p.OutputZeroPoint, p.ClampMin, p.ClampMax);
            else accumulator[i] = sum;
        }
    }

    /// <summary>
    /// out[i] = act(Σ_s workspace[s · count + i] + bias[c]), c = (i / pixels) % channels, the splits added in order
    /// and the bias last (as the one-launch kernel adds it after its sum). Grid: <c>LaunchGrid.Linear(count)</c> or smaller.
    /// </summary>
    [Kernel]
    public static void Conv2dSplitKReduce(ArrayView<float> workspace, ArrayView<float> bias, ArrayView<float> output,
        int count, int splits, int channels, int pixels, int hasBias, SpecializedValue<int> activation)
    {
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
        {
            float sum = 0f;
            for (int s = 0; s < splits; s++) sum += workspace[s * count + i];
            float b = hasBias != 0 ? bias[i / pixels % channels] : 0f;
            output[i] = FusedActivation.Apply(sum + b, activation);
        }
    }
}

/// <summary>Sizes and int8 epilogue of <see cref="SplitKReduceKernels.Int8SplitKReduce"/> (flat launch arguments in field order).</summary>
public struct SplitKReduceParams
{
    /// <summary>Elements of one split: batch · channels · pixels.</summary>
    public int Count;
    public int Splits;
    public int Channels;
    public int Pixels;
    public int HasBias;
    public int OutputZeroPoint;
    public int ClampMin;
    public int ClampMax;
}
