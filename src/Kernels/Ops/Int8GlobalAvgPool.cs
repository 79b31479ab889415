using ILGPU;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Int8 global average pooling: int32 sum of each (n, c) plane by one group with a shared-memory tree, then one
/// requantization that divides by the pixel count and rescales: multiplier/shift encode
/// input_scale / (output_scale · pixels) (see <see cref="RequantizeKernels"/>), per tensor.
/// </summary>
public static class Int8GlobalAvgPoolKernels
{
    public const int Threads = 64;

    /// <summary>
    /// output[plane] = clamp(MultiplyByQuantizedMultiplier(Σ input[plane·pixels ..+pixels) − pixels·inputZeroPoint)
    /// + outputZeroPoint). Views: input int8 NCHW, output int8 [planes]. The sum fits int32 up to 2^24 pixels.
    /// Grid: group size (Threads), group count (planes).
    /// </summary>
    [Kernel]
    public static void Int8GlobalAvgPool(ArrayView<sbyte> input, ArrayView<sbyte> output, int pixels, int inputZeroPoint,
        int multiplier, int shift, int outputZeroPoint)
    {
        var partial = SharedMemory.Allocate<int>(Threads);
        int plane = Grid.IdxX;
        int local = Group.IdxX;
        int sum = 0;
        for (int i = local; i < pixels; i += Threads)
            sum += input[plane * pixels + i];
        partial[local] = sum;
        Group.Barrier();
        for (int half = Threads / 2; half > 0; half >>= 1)
        {
            if (local < half) partial[local] += partial[local + half];
            Group.Barrier();
        }
        if (local == 0)
            output[plane] = RequantizeKernels.Requant(partial[0] - pixels * inputZeroPoint, multiplier, shift, outputZeroPoint, -128, 127);
    }
}
