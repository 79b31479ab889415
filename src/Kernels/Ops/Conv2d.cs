using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// fp32 2-D convolution as an implicit GEMM, NCHW: for conv group g, C[m, col] = Σ_k W[m, k] · X[k, col] with
/// m over the group's output channels, k over (input channel, ky, kx) and col over (batch, oy, ox). The
/// im2col matrix X is never stored: each tile is gathered from the input while staging it in shared memory.
/// Any kernel size, stride, padding, dilation and group count; bias and activation are fused.
/// </summary>
public static class Conv2dKernels
{
    /// <summary>Output tile edge (rows = output channels, columns = output pixels).</summary>
    public const int TileM = 64;
    public const int TileN = 64;

    /// <summary>Depth of one k step.</summary>
    public const int TileK = 8;

    /// <summary>Work items per group edge: 16 × 16 items, each owning a 4 × 4 block of outputs in registers.</summary>
    public const int Threads = 16;

    /// <summary>
    /// Grid: group size (16, 16), group count (ceil(n·outH·outW / 64), ceil((cout / groups) / 64), groups).
    /// Weights are [cout, cin / groups, kh, kw]; <paramref name="bias"/> holds cout values (read only when
    /// <c>p.HasBias</c> ≠ 0); <paramref name="activation"/> is a <see cref="FusedActivation"/> constant.
    /// Split-k: a grid z of groups · splits makes group z sum the k steps of split z / groups only
    /// (whole k steps shared out evenly) and store at [z / groups][n, cout, outH, outW] of the output (run it
    /// with HasBias 0 and no activation; <see cref="SplitKReduceKernels.Conv2dSplitKReduce"/> finishes).
    /// </summary>
    [Kernel]
    public static void Conv2d(ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> output,
        Conv2dParams p, SpecializedValue<int> activation)
    {
        int batch = p.Batch;
        int cin = p.InChannels;
        int height = p.Height;
        int width = p.Width;
        int cout = p.OutChannels;
        int kh = p.KernelH;
        int kw = p.KernelW;
        int strideH = p.StrideH;
        int strideW = p.StrideW;
        int padH = p.PadH;
        int padW = p.PadW;
        int dilationH = p.DilationH;
        int dilationW = p.DilationW;
        int groups = p.Groups;
        int outH = p.OutH;
        int outW = p.OutW;
        int hasBias = p.HasBias;
        var tileW = SharedMemory.Allocate<float>(TileK * TileM);
        var tileX = SharedMemory.Allocate<float>(TileK * TileN);
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int linear = ty * Threads + tx;
        int g = Grid.IdxZ % groups;
        int rowsPerGroup = cout / groups;
        int cinPerGroup = cin / groups;
        int depth = cinPerGroup * kh * kw;
        int pixels = outH * outW;
        int columns = batch * pixels;
        // Split-k (grid z = groups · splits): this group sums one k range; splits = 1 is the whole depth.
        int split = Grid.IdxZ / groups;
        // Whole k steps per split (a split may be empty; Math only, so the cpu form keeps its phases).
        int kPerSplit = ((depth + TileK - 1) / TileK + Grid.DimZ / groups - 1) / (Grid.DimZ / groups) * TileK;
        int kBegin = Math.Min(depth, split * kPerSplit);
        int kEnd = Math.Min(depth, kBegin + kPerSplit);
        int m0 = Grid.IdxY * TileM;
        int n0 = Grid.IdxX * TileN;

        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int k0 = kBegin; k0 < kEnd; k0 += TileK)
        {
            // 256 work items stage 512 weights and 512 gathered inputs: two of each.
            for (int e = linear; e < TileK * TileM; e += Threads * Threads)
            {
                int kk = e / TileM;
                int m = m0 + e % TileM;
                int k = k0 + kk;
                tileW[e] = m < rowsPerGroup && k < depth ? weight[(g * rowsPerGroup + m) * depth + k] : 0f;
                tileX[e] = Gather(input, k, n0 + e % TileN, depth, columns, cinPerGroup * g, cin, height, width, kh, kw,
                    strideH, strideW, padH, padW, dilationH, dilationW, outW, pixels);
            }
            Group.Barrier();
            for (int kk = 0; kk < TileK; kk++)
            {
                int wRow = kk * TileM + ty;
                int xRow = kk * TileN + tx;
                float w0 = tileW[wRow], w1 = tileW[wRow + 16], w2 = tileW[wRow + 32], w3 = tileW[wRow + 48];
                float x0 = tileX[xRow], x1 = tileX[xRow + 16], x2 = tileX[xRow + 32], x3 = tileX[xRow + 48];
                c00 += w0 * x0; c01 += w0 * x1; c02 += w0 * x2; c03 += w0 * x3;
                c10 += w1 * x0; c11 += w1 * x1; c12 += w1 * x2; c13 += w1 * x3;
                c20 += w2 * x0; c21 += w2 * x1; c22 += w2 * x2; c23 += w2 * x3;
                c30 += w3 * x0; c31 += w3 * x1; c32 += w3 * x2; c33 += w3 * x3;
            }
            Group.Barrier();
        }

        int row = m0 + ty;
        // Split s stores at columns s·columns ..: the [splits][batch, cout, outH, outW] workspace.
        int col = n0 + tx + split * columns;
        int end = columns + split * columns;
        int channel = g * rowsPerGroup;
        StoreRow(output, bias, c00, c01, c02, c03, row, col, rowsPerGroup, channel, end, cout, pixels, hasBias, activation);
        StoreRow(output, bias, c10, c11, c12, c13, row + 16, col, rowsPerGroup, channel, end, cout, pixels, hasBias, activation);
        StoreRow(output, bias, c20, c21, c22, c23, row + 32, col, rowsPerGroup, channel, end, cout, pixels, hasBias, activation);
        StoreRow(output, bias, c30, c31, c32, c33, row + 48, col, rowsPerGroup, channel, end, cout, pixels, hasBias, activation);
    }

    /// <summary>Tile edge of <see cref="Conv2dTile32"/>: a tactic for small feature maps and few channels, where 64 × 64 tiles run mostly empty.</summary>
    public const int SmallTile = 32;

    /// <summary>
    /// <see cref="Conv2d"/> with 32 × 32 output tiles (each of 16 × 16 items owns 2 × 2 outputs): same arguments, same
    /// k order per output (so the same sums); grid (ceil(n·outH·outW / 32), ceil((cout / groups) / 32), groups).
    /// </summary>
    [Kernel]
    public static void Conv2dTile32(ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> output,
        Conv2dParams p, SpecializedValue<int> activation)
    {
        int batch = p.Batch;
        int cin = p.InChannels;
        int height = p.Height;
        int width = p.Width;
        int cout = p.OutChannels;
        int kh = p.KernelH;
        int kw = p.KernelW;
        int groups = p.Groups;
        int outH = p.OutH;
        int outW = p.OutW;
        int hasBias = p.HasBias;
        var tileW = SharedMemory.Allocate<float>(TileK * SmallTile);
        var tileX = SharedMemory.Allocate<float>(TileK * SmallTile);
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int linear = ty * Threads + tx;
        int g = Grid.IdxZ % groups;
        int rowsPerGroup = cout / groups;
        int cinPerGroup = cin / groups;
        int depth = cinPerGroup * kh * kw;
        int pixels = outH * outW;
        int columns = batch * pixels;
        // Split-k (grid z = groups · splits): this group sums one k range; splits = 1 is the whole depth.
        int split = Grid.IdxZ / groups;
        // Whole k steps per split (a split may be empty; Math only, so the cpu form keeps its phases).
        int kPerSplit = ((depth + TileK - 1) / TileK + Grid.DimZ / groups - 1) / (Grid.DimZ / groups) * TileK;
        int kBegin = Math.Min(depth, split * kPerSplit);
        int kEnd = Math.Min(depth, kBegin + kPerSplit);
        int m0 = Grid.IdxY * SmallTile;
        int n0 = Grid.IdxX * SmallTile;
        // 256 work items stage 256 weights and 256 gathered inputs: one of each.
        int stageK = linear / SmallTile;
        int stageM = m0 + linear % SmallTile;
        int stageCol = n0 + linear % SmallTile;

        float c00 = 0f, c01 = 0f, c10 = 0f, c11 = 0f;
        for (int k0 = kBegin; k0 < kEnd; k0 += TileK)
        {
            int k = k0 + stageK;
            tileW[linear] = stageM < rowsPerGroup && k < depth ? weight[(g * rowsPerGroup + stageM) * depth + k] : 0f;
            tileX[linear] = Gather(input, k, stageCol, depth, columns, cinPerGroup * g, cin, height, width, kh, kw,
                p.StrideH, p.StrideW, p.PadH, p.PadW, p.DilationH, p.DilationW, outW, pixels);
            Group.Barrier();
            for (int kk = 0; kk < TileK; kk++)
            {
                int wRow = kk * SmallTile + ty;
                int xRow = kk * SmallTile + tx;
                float w0 = tileW[wRow], w1 = tileW[wRow + 16];
                float x0 = tileX[xRow], x1 = tileX[xRow + 16];
                c00 += w0 * x0; c01 += w0 * x1;
                c10 += w1 * x0; c11 += w1 * x1;
            }
            Group.Barrier();
        }

        int row = m0 + ty;
        int col = n0 + tx + split * columns;
        int end = columns + split * columns;
        int channel = g * rowsPerGroup;
        StoreRow2(output, bias, c00, c01, row, col, rowsPerGroup, channel, end, cout, pixels, hasBias, activation);
        StoreRow2(output, bias, c10, c11, row + 16, col, rowsPerGroup, channel, end, cout, pixels, hasBias, activation);
    }

    /// <summary>Writes two outputs of one row (columns col, col+16) with bias and activation.</summary>
    public static void StoreRow2(ArrayView<float> output, ArrayView<float> bias, float v0, float v1, int row, int col,
        int rowsPerGroup, int channelBase, int columns, int cout, int pixels, int hasBias, int activation)
    {
        if (row >= rowsPerGroup) return;
        int channel = channelBase + row;
        float b = hasBias != 0 ? bias[channel] : 0f;
        Store(output, v0 + b, channel, col, columns, cout, pixels, activation);
        Store(output, v1 + b, channel, col + 16, columns, cout, pixels, activation);
    }

    /// <summary>Element (k, column) of the implicit im2col matrix, or 0 in the padding and past the edges.</summary>
    public static float Gather(ArrayView<float> input, int k, int column, int depth, int columns, int channelBase, int cin, int height, int width,
        int kh, int kw, int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int outW, int pixels)
    {
        if (k >= depth || column >= columns) return 0f;
        int ci = k / (kh * kw);
        int r = k % (kh * kw);
        int ky = r / kw;
        int kx = r % kw;
        int b = column / pixels;
        int p = column % pixels;
        int iy = p / outW * strideH - padH + ky * dilationH;
        int ix = p % outW * strideW - padW + kx * dilationW;
        if (iy < 0 || iy >= height || ix < 0 || ix >= width) return 0f;
        return input[((b * cin + channelBase + ci) * height + iy) * width + ix];
    }

    /// <summary>Writes four outputs of one row (columns col, col+16, col+32, col+48) with bias and activation.</summary>
    public static void StoreRow(ArrayView<float> output, ArrayView<float> bias, float v0, float v1, float v2, float v3, int row, int col,
        int rowsPerGroup, int channelBase, int columns, int cout, int pixels, int hasBias, int activation)
    {
        if (row >= rowsPerGroup) return;
        int channel = channelBase + row;
        float b = hasBias != 0 ? bias[channel] : 0f;
        Store(output, v0 + b, channel, col, columns, cout, pixels, activation);
        Store(output, v1 + b, channel, col + 16, columns, cout, pixels, activation);
        Store(output, v2 + b, channel, col + 32, columns, cout, pixels, activation);
        Store(output, v3 + b, channel, col + 48, columns, cout, pixels, activation);
    }

    /// <summary>output[batch, channel, pixel] = act(value) for GEMM column col = batch·pixels + pixel, when in range.</summary>
    public static void Store(ArrayView<float> output, float value, int channel, int col, int columns, int cout, int pixels, int activation)
    {
        if (col >= columns) return;
        output[(col / pixels * cout + channel) * pixels + col % pixels] = FusedActivation.Apply(value, activation);
    }
}

/// <summary>Shape and hyper-parameters of <see cref="Conv2dKernels.Conv2d"/> (flat launch arguments in field order; HasBias ≠ 0 reads the bias).</summary>
public struct Conv2dParams
{
    public int Batch;
    public int InChannels;
    public int Height;
    public int Width;
    public int OutChannels;
    public int KernelH;
    public int KernelW;
    public int StrideH;
    public int StrideW;
    public int PadH;
    public int PadW;
    public int DilationH;
    public int DilationW;
    public int Groups;
    public int OutH;
    public int OutW;
    public int HasBias;
}
