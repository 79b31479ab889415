using ILGPU;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Inference batch normalization over NCHW fp32: y = (x - mean[c]) · gamma[c] / sqrt(var[c] + eps) + beta[c].
/// The per-channel scale and shift are computed in the kernel from the four raw parameter vectors, not
/// precomputed: the op is bandwidth bound (the four channel values stay in cache, a sqrt per element is free
/// next to the memory traffic), and it needs no derived buffer or extra launch outside the weights region.
/// Models worth speed have it folded into the preceding conv anyway (RepVGG re-parameterization).
/// </summary>
public static class BatchNorm2dKernels
{
    /// <summary>
    /// All views hold fp32; <paramref name="input"/> and <paramref name="output"/> are [batch, channels, pixels]
    /// (pixels = H·W), parameter views hold <paramref name="channels"/> values. <paramref name="count"/> =
    /// batch·channels·pixels. Grid: <c>LaunchGrid.Linear(count)</c> or smaller (grid-stride loop). In place is fine.
    /// </summary>
    [Kernel]
    public static void BatchNorm2d(ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> mean,
        ArrayView<float> variance, ArrayView<float> output, int channels, int pixels, int count, float epsilon)
    {
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
        {
            int c = i / pixels % channels;
            // sqrt then divide (not rsqrt): OpenCL's rsqrt is only accurate to a few ulp.
            float scale = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
            output[i] = (input[i] - mean[c]) * scale + beta[c];
        }
    }
}
