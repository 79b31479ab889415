using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Depthwise 2-D convolution (groups = channels, one filter per channel), NCHW, fp32: one work item per
/// output element. Depthwise layers have too little reuse for GEMM tiling to pay; they are bandwidth bound.
/// </summary>
public static class DepthwiseConv2dKernels
{
    /// <summary>
    /// Weights are [channels, 1, kh, kw]; <paramref name="bias"/> holds one value per channel (read only when
    /// <c>p.HasBias</c> ≠ 0). Grid: <c>LaunchGrid.Linear(batch·channels·outH·outW)</c> or any smaller
    /// 1-D grid (grid-stride loop).
    /// </summary>
    [Kernel]
    public static void DepthwiseConv2d(ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> output,
        DepthwiseConv2dParams p, SpecializedValue<int> activation)
    {
        int batch = p.Batch;
        int channels = p.Channels;
        int height = p.Height;
        int width = p.Width;
        int kh = p.KernelH;
        int kw = p.KernelW;
        int strideH = p.StrideH;
        int strideW = p.StrideW;
        int padH = p.PadH;
        int padW = p.PadW;
        int dilationH = p.DilationH;
        int dilationW = p.DilationW;
        int outH = p.OutH;
        int outW = p.OutW;
        int hasBias = p.HasBias;
        int total = batch * channels * outH * outW;
        for (int index = Grid.GlobalIndex.X; index < total; index += Grid.DimX * Group.DimX)
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

/// <summary>Shape and hyper-parameters of <see cref="DepthwiseConv2dKernels.DepthwiseConv2d"/> (flat launch arguments in field order).</summary>
public struct DepthwiseConv2dParams
{
    public int Batch;
    public int Channels;
    public int Height;
    public int Width;
    public int KernelH;
    public int KernelW;
    public int StrideH;
    public int StrideW;
    public int PadH;
    public int PadW;
    public int DilationH;
    public int DilationW;
    public int OutH;
    public int OutW;
    public int HasBias;
}
