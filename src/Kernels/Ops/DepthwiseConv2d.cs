namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Depthwise 2-D convolution (groups = channels, one filter per channel), NCHW, fp32: one work item per
/// output element. Depthwise layers have too little reuse for GEMM tiling to pay; they are bandwidth bound.
/// </summary>
public static class DepthwiseConv2dKernels
{
    /// <summary>
    /// Weights are [channels, 1, kh, kw]; <paramref name="bias"/> holds one value per channel (read only when
    /// <paramref name="hasBias"/> ≠ 0). Grid: <c>LaunchGrid.Linear(batch·channels·outH·outW)</c> or any smaller
    /// 1-D grid (grid-stride loop).
    /// </summary>
    [Kernel]
    public static void DepthwiseConv2d(WorkItem item, View<float> input, View<float> weight, View<float> bias, View<float> output,
        int batch, int channels, int height, int width, int kh, int kw, int strideH, int strideW, int padH, int padW,
        int dilationH, int dilationW, int outH, int outW, int hasBias, [Specialize] int activation)
    {
        int total = batch * channels * outH * outW;
        for (int index = item.GlobalX; index < total; index += item.GlobalSizeX)
        {
            int ox = index % outW;
            int oy = index / outW % outH;
            int plane = index / (outW * outH);
            int c = plane % channels;
            float acc = hasBias != 0 ? bias[c] : 0f;
            int inputPlane = plane * height * width;
            for (int ky = 0; ky < kh; ky++)
            {
                int iy = oy * strideH - padH + ky * dilationH;
                if (iy < 0 || iy >= height) continue;
                for (int kx = 0; kx < kw; kx++)
                {
                    int ix = ox * strideW - padW + kx * dilationW;
                    if (ix >= 0 && ix < width)
                        acc += input[inputPlane + iy * width + ix] * weight[(c * kh + ky) * kw + kx];
                }
            }
            output[index] = FusedActivation.Apply(acc, activation);
        }
    }
}
