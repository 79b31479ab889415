using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Int8 fully connected layer for small batches: y[n, o] = Requant(Σ_k x[n, k]·w[o, k] + b[o]) with x int8
/// [batch, in], w int8 [out, in] (symmetric per output feature), b int32 [out]. Like <see cref="LinearKernels.LinearRows"/>:
/// 32 lanes per output row, each taking four consecutive k per dp4a, then a tree in shared memory. Large batches
/// are a 1×1 <see cref="Int8Conv2dKernels.Int8Conv2d"/> over [batch, in, 1, 1] (same layouts, tiled GEMM).
/// </summary>
public static class Int8LinearKernels
{
    public const int RowThreads = 32;
    public const int RowsPerGroup = 8;

    /// <summary>
    /// Grid: group size (RowThreads, RowsPerGroup), group count (ceil(out / RowsPerGroup), batch).
    /// multiplier/shift int32 [out]; output int8 [batch, out] (mode Fused) or accumulator int32 [batch, out]
    /// (AddSum modes, see <see cref="RequantizeKernels"/>); clampMin/clampMax are the activation's int8 bounds.
    /// </summary>
    [Kernel]
    public static void Int8Linear(ArrayView<sbyte> input, ArrayView<sbyte> weight, ArrayView<int> bias, ArrayView<int> multiplier, ArrayView<int> shift, ArrayView<sbyte> output, ArrayView<int> accumulator,
        Int8LinearParams p, SpecializedValue<int> mode)
    {
        int inFeatures = p.InFeatures;
        int outFeatures = p.OutFeatures;
        int hasBias = p.HasBias;
        int outputZeroPoint = p.OutputZeroPoint;
        int clampMin = p.ClampMin;
        int clampMax = p.ClampMax;
        var partial = SharedMemory.Allocate<int>(RowThreads * RowsPerGroup);
        int lane = Group.IdxX;
        int slot = Group.IdxY * RowThreads + lane;
        int o = Grid.IdxX * RowsPerGroup + Group.IdxY;
        int n = Grid.IdxY;
        int sum = 0;
        if (o < outFeatures)
        {
            int xRow = n * inFeatures;
            int wRow = o * inFeatures;
            int k4 = inFeatures - inFeatures % 4;
            for (int k = lane * 4; k < k4; k += RowThreads * 4)
                sum = Int8Math.Dot4(Int8Math.Load4(input, xRow + k), Int8Math.Load4(weight, wRow + k), sum);
            if (lane < inFeatures - k4) sum += input[xRow + k4 + lane] * weight[wRow + k4 + lane];
        }
        partial[slot] = sum;
        Group.Barrier();
        for (int half = RowThreads / 2; half > 0; half >>= 1)
        {
            if (lane < half) partial[slot] += partial[slot + half];
            Group.Barrier();
        }
        if (lane == 0 && o < outFeatures)
        {
            int acc = partial[slot] + (hasBias != 0 ? bias[o] : 0);
            int index = n * outFeatures + o;
            if (mode == RequantizeKernels.Fused)
                output[index] = RequantizeKernels.Requant(acc, multiplier[o], shift[o], outputZeroPoint, clampMin, clampMax);
            else if (mode == RequantizeKernels.AddSumWrite) accumulator[index] = acc;
            else accumulator[index] += acc;
        }
    }
}

/// <summary>Sizes and requantization of <see cref="Int8LinearKernels.Int8Linear"/> (flat launch arguments in field order).</summary>
public struct Int8LinearParams
{
    public int InFeatures;
    public int OutFeatures;
    public int HasBias;
    public int OutputZeroPoint;
    public int ClampMin;
    public int ClampMax;
}
