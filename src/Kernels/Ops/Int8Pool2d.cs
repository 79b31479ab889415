using ILGPU;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Int8 max and adaptive average pooling over NCHW, the <see cref="Pool2dKernels"/> loops on int8. Both keep the input's
/// scale (a max or a mean never leaves the input's range), so there is no requantization: max is exact, the mean is the
/// int32 window sum divided by the window size with rounding half away from zero (TFLite's int8 average pool).
/// Grid: <c>LaunchGrid.Linear(planes·outH·outW)</c> or smaller (grid-stride), planes = batch·channels.
/// </summary>
public static class Int8Pool2dKernels
{
    /// <summary>Max over each window; padding never wins (every window holds an input).</summary>
    [Kernel]
    public static void Int8MaxPool2d(ArrayView<sbyte> input, ArrayView<sbyte> output,
        Pool2dParams p)
    {
        int planes = p.Planes;
        int height = p.Height;
        int width = p.Width;
        int kh = p.KernelH;
        int kw = p.KernelW;
        int strideH = p.StrideH;
        int strideW = p.StrideW;
        int padH = p.PadH;
        int padW = p.PadW;
        int outH = p.OutH;
        int outW = p.OutW;
        int total = planes * outH * outW;
        for (int index = Grid.GlobalIndex.X; index < total; index += Grid.DimX * Group.DimX)
        {
            int ox = index % outW;
            int oy = index / outW % outH;
            int plane = index / (outW * outH);
            int y0 = Pool2dKernels.WindowStart(oy, strideH, padH), y1 = Pool2dKernels.WindowEnd(oy, strideH, padH, kh, height);
            int x0 = Pool2dKernels.WindowStart(ox, strideW, padW), x1 = Pool2dKernels.WindowEnd(ox, strideW, padW, kw, width);
            int acc = -128;
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++)
                    acc = Math.Max(acc, (int)input[(plane * height + y) * width + x]);
            output[index] = (sbyte)acc;
        }
    }

    /// <summary>Adaptive average pooling with PyTorch's bins (rows floor(i·H/outH) .. ceil((i+1)·H/outH), same for columns), which may overlap.</summary>
    [Kernel]
    public static void Int8AdaptiveAvgPool2d(ArrayView<sbyte> input, ArrayView<sbyte> output, int planes, int height, int width,
        int outH, int outW)
    {
        int total = planes * outH * outW;
        for (int index = Grid.GlobalIndex.X; index < total; index += Grid.DimX * Group.DimX)
        {
            int ox = index % outW;
            int oy = index / outW % outH;
            int plane = index / (outW * outH);
            int y0 = Pool2dKernels.BinStart(oy, height, outH), y1 = Pool2dKernels.BinEnd(oy, height, outH);
            int x0 = Pool2dKernels.BinStart(ox, width, outW), x1 = Pool2dKernels.BinEnd(ox, width, outW);
            int sum = 0;
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++)
                    sum += input[(plane * height + y) * width + x];
            output[index] = (sbyte)RoundedMean(sum, (y1 - y0) * (x1 - x0));
        }
    }

    /// <summary>sum / count rounded half away from zero (integer division truncates toward zero in C# and C alike).</summary>
    public static int RoundedMean(int sum, int count) => sum >= 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}
