using ILGPU;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Window pooling over NCHW fp32, PyTorch semantics: one work item per output element (bandwidth bound, no
/// reuse worth staging). Output sizes (ceil mode included) come from the op's shape inference; the kernels
/// only clip windows. Grid for all three: <c>LaunchGrid.Linear(planes·outH·outW)</c> or smaller (grid-stride),
/// where planes = batch·channels.
/// </summary>
public static class Pool2dKernels
{
    /// <summary>Max over each window; padding is minus infinity, so it never wins (every window holds an input).</summary>
    [Kernel]
    public static void MaxPool2d(ArrayView<float> input, ArrayView<float> output,
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
            int y0 = WindowStart(oy, strideH, padH), y1 = WindowEnd(oy, strideH, padH, kh, height);
            int x0 = WindowStart(ox, strideW, padW), x1 = WindowEnd(ox, strideW, padW, kw, width);
            float acc = float.NegativeInfinity;
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++)
                    acc = Math.Max(acc, input[(plane * height + y) * width + x]);
            output[index] = acc;
        }
    }

    /// <summary>
    /// Mean over each window. <paramref name="countIncludePad"/> ≠ 0: divide by the window clipped to the padded
    /// input (PyTorch: a ceil-mode window running past the padding is not counted); 0: by the real inputs only.
    /// </summary>
    [Kernel]
    public static void AvgPool2d(ArrayView<float> input, ArrayView<float> output,
        Pool2dParams p, int countIncludePad)
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
            int y0 = oy * strideH - padH;
            int x0 = ox * strideW - padW;
            int y1 = Math.Min(y0 + kh, height + padH);
            int x1 = Math.Min(x0 + kw, width + padW);
            int padded = (y1 - y0) * (x1 - x0);
            y0 = Math.Max(y0, 0);
            x0 = Math.Max(x0, 0);
            y1 = Math.Min(y1, height);
            x1 = Math.Min(x1, width);
            float sum = 0f;
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++)
                    sum += input[(plane * height + y) * width + x];
            output[index] = sum / (countIncludePad != 0 ? padded : (y1 - y0) * (x1 - x0));
        }
    }

    /// <summary>Adaptive average pooling with PyTorch's windows: rows floor(i·H/outH) .. ceil((i+1)·H/outH), same for columns.</summary>
    [Kernel]
    public static void AdaptiveAvgPool2d(ArrayView<float> input, ArrayView<float> output, int planes, int height, int width,
        int outH, int outW)
    {
        int total = planes * outH * outW;
        for (int index = Grid.GlobalIndex.X; index < total; index += Grid.DimX * Group.DimX)
        {
            int ox = index % outW;
            int oy = index / outW % outH;
            int plane = index / (outW * outH);
            int y0 = BinStart(oy, height, outH), y1 = BinEnd(oy, height, outH);
            int x0 = BinStart(ox, width, outW), x1 = BinEnd(ox, width, outW);
            float sum = 0f;
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++)
                    sum += input[(plane * height + y) * width + x];
            output[index] = sum / ((y1 - y0) * (x1 - x0));
        }
    }

    /// <summary>First input row (or column) of output <paramref name="o"/>'s window, clipped to the input.</summary>
    public static int WindowStart(int o, int stride, int pad) => Math.Max(o * stride - pad, 0);

    /// <summary>One past the last input row (or column) of output <paramref name="o"/>'s window, clipped to the input.</summary>
    public static int WindowEnd(int o, int stride, int pad, int k, int size) => Math.Min(o * stride - pad + k, size);

    /// <summary>PyTorch's adaptive bin start, floor(o·size/outSize); bins may overlap.</summary>
    public static int BinStart(int o, int size, int outSize) => o * size / outSize;

    /// <summary>PyTorch's adaptive bin end, ceil((o+1)·size/outSize).</summary>
    public static int BinEnd(int o, int size, int outSize) => ((o + 1) * size + outSize - 1) / outSize;

    /// <summary>Work items per group, a power of two (the tree halves it): 64 covers the 7×7 planes that networks pool globally; 256 measured 13.5 ms on PoCL at 1280×7×7, mostly idle items and barriers.</summary>
    public const int GlobalThreads = 64;

    /// <summary>
    /// Global average pooling (AdaptiveAvgPool2d to 1×1): one group per (n, c) plane, its items striding over the
    /// plane (consecutive items read consecutive floats), then a shared-memory tree reduction. A thread per plane
    /// would leave a GPU nearly idle at batch 1 (1280 planes in MobileNetV2) and read with a stride of H·W.
    /// output[plane] = mean of input[plane·pixels .. +pixels) (fp32, NCHW planes of pixels = H·W).
    /// Grid: group size (GlobalThreads), group count (planes).
    /// </summary>
    [Kernel]
    public static void GlobalAvgPool(ArrayView<float> input, ArrayView<float> output, int pixels)
    {
        var partial = SharedMemory.Allocate<float>(GlobalThreads);
        int plane = Grid.IdxX;
        int local = Group.IdxX;
        float sum = 0f;
        for (int i = local; i < pixels; i += GlobalThreads)
            sum += input[plane * pixels + i];
        partial[local] = sum;
        Group.Barrier();
        for (int half = GlobalThreads / 2; half > 0; half >>= 1)
        {
            if (local < half) partial[local] += partial[local + half];
            Group.Barrier();
        }
        if (local == 0) output[plane] = partial[0] / pixels;
    }
}

/// <summary>Shape and window of the pooling kernels (flat launch arguments in field order); planes = batch·channels.</summary>
public struct Pool2dParams
{
    public int Planes;
    public int Height;
    public int Width;
    public int KernelH;
    public int KernelW;
    public int StrideH;
    public int StrideW;
    public int PadH;
    public int PadW;
    public int OutH;
    public int OutW;
}
