using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Int8 2-D convolution, NCHW, as the implicit GEMM of <see cref="Conv2dKernels"/> with int8 operands: tiles of
/// 64 output channels × 64 output pixels, k staged in shared memory as packed groups of four int8 (one int), and
/// each of 16 × 16 work items keeps a 4 × 4 block of int32 accumulators fed by dp4a (<see cref="Int8Math.Dot4"/>).
/// Weights symmetric per output channel (zero point 0), bias int32 at scale input_scale · weight_scale[c].
/// </summary>
public static class Int8Conv2dKernels
{
    public const int TileM = 64;
    public const int TileN = 64;

    /// <summary>k values per step: 4 packed ints of 4 int8 per row, so 256 items stage each tile with one load each.</summary>
    public const int TileK = 16;

    public const int Threads = 16;

    /// <summary>
    /// Grid: group size (16, 16), group count (ceil(batch·outH·outW / 64), ceil((cout / groups) / 64), groups).
    /// Views: input int8 [batch, cin, height, width]; weight int8 [cout, cin / groups, kh, kw]; bias int32 [cout]
    /// (read when <c>p.HasBias</c> ≠ 0); multiplier, shift int32 [cout] (see <see cref="RequantizeKernels"/>);
    /// output int8 [batch, cout, outH, outW] (mode Fused) or accumulator int32, same layout (AddSum modes); the view a
    /// mode does not use may be any small view. <c>p.InputZeroPoint</c> is the padding value (0 for
    /// symmetric activations; otherwise the caller folds −zp·Σw into the bias, and padding must still read as zp).
    /// Split-k: a grid z of groups · splits makes group z sum the k steps of split z / groups only (whole k steps shared out evenly) and
    /// store at [z / groups][batch, cout, outH, outW] of the accumulator (run it with mode AddSumWrite and HasBias 0;
    /// <see cref="SplitKReduceKernels.Int8SplitKReduce"/> adds the splits and applies the epilogue).
    /// </summary>
    [Kernel]
    public static void Int8Conv2d(ArrayView<sbyte> input, ArrayView<sbyte> weight, ArrayView<int> bias, ArrayView<int> multiplier, ArrayView<int> shift, ArrayView<sbyte> output, ArrayView<int> accumulator,
        Int8Conv2dParams p, SpecializedValue<int> mode)
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
        int inputZeroPoint = p.InputZeroPoint;
        int outputZeroPoint = p.OutputZeroPoint;
        int clampMin = p.ClampMin;
        int clampMax = p.ClampMax;
        var tileW = SharedMemory.Allocate<int>(TileK / 4 * TileM);
        var tileX = SharedMemory.Allocate<int>(TileK / 4 * TileN);
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
        // Item `linear` stages packed row linear / 64 (k offset 4·that) of weight row and input column linear % 64.
        int stageK = linear / TileM * 4;
        int stageM = m0 + linear % TileM;
        int stageCol = n0 + linear % TileN;

        int c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        int c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int k0 = kBegin; k0 < kEnd; k0 += TileK)
        {
            tileW[linear] = stageM < rowsPerGroup ? LoadWeight4(weight, (g * rowsPerGroup + stageM) * depth, k0 + stageK, depth) : 0;
            tileX[linear] = Gather4(input, k0 + stageK, stageCol, depth, columns, cinPerGroup * g, cin, height, width, kh, kw,
                strideH, strideW, padH, padW, dilationH, dilationW, outW, pixels, inputZeroPoint);
            Group.Barrier();
            for (int kk = 0; kk < TileK / 4; kk++)
            {
                int wRow = kk * TileM + ty;
                int xRow = kk * TileN + tx;
                int w0 = tileW[wRow], w1 = tileW[wRow + 16], w2 = tileW[wRow + 32], w3 = tileW[wRow + 48];
                int x0 = tileX[xRow], x1 = tileX[xRow + 16], x2 = tileX[xRow + 32], x3 = tileX[xRow + 48];
                c00 = Int8Math.Dot4(w0, x0, c00); c01 = Int8Math.Dot4(w0, x1, c01); c02 = Int8Math.Dot4(w0, x2, c02); c03 = Int8Math.Dot4(w0, x3, c03);
                c10 = Int8Math.Dot4(w1, x0, c10); c11 = Int8Math.Dot4(w1, x1, c11); c12 = Int8Math.Dot4(w1, x2, c12); c13 = Int8Math.Dot4(w1, x3, c13);
                c20 = Int8Math.Dot4(w2, x0, c20); c21 = Int8Math.Dot4(w2, x1, c21); c22 = Int8Math.Dot4(w2, x2, c22); c23 = Int8Math.Dot4(w2, x3, c23);
                c30 = Int8Math.Dot4(w3, x0, c30); c31 = Int8Math.Dot4(w3, x1, c31); c32 = Int8Math.Dot4(w3, x2, c32); c33 = Int8Math.Dot4(w3, x3, c33);
            }
            Group.Barrier();
        }

        int row = m0 + ty;
        // Split s stores at columns s·columns ..: the [splits][batch, cout, outH, outW] workspace.
        int col = n0 + tx + split * columns;
        int end = columns + split * columns;
        int cb = g * rowsPerGroup;
        StoreRow(output, accumulator, bias, multiplier, shift, c00, c01, c02, c03, row, col, rowsPerGroup, cb, end, cout, pixels, hasBias, outputZeroPoint, clampMin, clampMax, mode);
        StoreRow(output, accumulator, bias, multiplier, shift, c10, c11, c12, c13, row + 16, col, rowsPerGroup, cb, end, cout, pixels, hasBias, outputZeroPoint, clampMin, clampMax, mode);
        StoreRow(output, accumulator, bias, multiplier, shift, c20, c21, c22, c23, row + 32, col, rowsPerGroup, cb, end, cout, pixels, hasBias, outputZeroPoint, clampMin, clampMax, mode);
        StoreRow(output, accumulator, bias, multiplier, shift, c30, c31, c32, c33, row + 48, col, rowsPerGroup, cb, end, cout, pixels, hasBias, outputZeroPoint, clampMin, clampMax, mode);
    }

    /// <summary>Tile edge of <see cref="Int8Conv2dTile32"/>; its k step is 32 (8 packed ints per row) so 256 items stage each tile once.</summary>
    public const int SmallTile = 32;

    /// <summary>k values per step of <see cref="Int8Conv2dTile32"/>.</summary>
    public const int SmallTileK = 32;

    /// <summary>
    /// <see cref="Int8Conv2d"/> with 32 × 32 output tiles (each of 16 × 16 items owns 2 × 2 accumulators): a tactic for
    /// small feature maps. Same arguments and integer sums (bit-exact); grid (ceil(batch·outH·outW / 32), ceil((cout / groups) / 32), groups).
    /// </summary>
    [Kernel]
    public static void Int8Conv2dTile32(ArrayView<sbyte> input, ArrayView<sbyte> weight, ArrayView<int> bias, ArrayView<int> multiplier, ArrayView<int> shift, ArrayView<sbyte> output, ArrayView<int> accumulator,
        Int8Conv2dParams p, SpecializedValue<int> mode)
    {
        int batch = p.Batch;
        int cin = p.InChannels;
        int cout = p.OutChannels;
        int kh = p.KernelH;
        int kw = p.KernelW;
        int groups = p.Groups;
        int outW = p.OutW;
        var tileW = SharedMemory.Allocate<int>(SmallTileK / 4 * SmallTile);
        var tileX = SharedMemory.Allocate<int>(SmallTileK / 4 * SmallTile);
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int linear = ty * Threads + tx;
        int g = Grid.IdxZ % groups;
        int rowsPerGroup = cout / groups;
        int cinPerGroup = cin / groups;
        int depth = cinPerGroup * kh * kw;
        int pixels = p.OutH * outW;
        int columns = batch * pixels;
        int split = Grid.IdxZ / groups;
        // Whole k steps per split (a split may be empty; Math only, so the cpu form keeps its phases).
        int kPerSplit = ((depth + SmallTileK - 1) / SmallTileK + Grid.DimZ / groups - 1) / (Grid.DimZ / groups) * SmallTileK;
        int kBegin = Math.Min(depth, split * kPerSplit);
        int kEnd = Math.Min(depth, kBegin + kPerSplit);
        int m0 = Grid.IdxY * SmallTile;
        int n0 = Grid.IdxX * SmallTile;
        int stageK = linear / SmallTile * 4;
        int stageM = m0 + linear % SmallTile;
        int stageCol = n0 + linear % SmallTile;

        int c00 = 0, c01 = 0, c10 = 0, c11 = 0;
        for (int k0 = kBegin; k0 < kEnd; k0 += SmallTileK)
        {
            tileW[linear] = stageM < rowsPerGroup ? LoadWeight4(weight, (g * rowsPerGroup + stageM) * depth, k0 + stageK, depth) : 0;
            tileX[linear] = Gather4(input, k0 + stageK, stageCol, depth, columns, cinPerGroup * g, cin, p.Height, p.Width, kh, kw,
                p.StrideH, p.StrideW, p.PadH, p.PadW, p.DilationH, p.DilationW, outW, pixels, p.InputZeroPoint);
            Group.Barrier();
            for (int kk = 0; kk < SmallTileK / 4; kk++)
            {
                int wRow = kk * SmallTile + ty;
                int xRow = kk * SmallTile + tx;
                int w0 = tileW[wRow], w1 = tileW[wRow + 16];
                int x0 = tileX[xRow], x1 = tileX[xRow + 16];
                c00 = Int8Math.Dot4(w0, x0, c00); c01 = Int8Math.Dot4(w0, x1, c01);
                c10 = Int8Math.Dot4(w1, x0, c10); c11 = Int8Math.Dot4(w1, x1, c11);
            }
            Group.Barrier();
        }

        int row = m0 + ty;
        int col = n0 + tx + split * columns;
        int end = columns + split * columns;
        int cb = g * rowsPerGroup;
        StoreRow2(output, accumulator, bias, multiplier, shift, c00, c01, row, col, rowsPerGroup, cb, end, cout, pixels, p.HasBias, p.OutputZeroPoint, p.ClampMin, p.ClampMax, mode);
        StoreRow2(output, accumulator, bias, multiplier, shift, c10, c11, row + 16, col, rowsPerGroup, cb, end, cout, pixels, p.HasBias, p.OutputZeroPoint, p.ClampMin, p.ClampMax, mode);
    }

    /// <summary>Stores two accumulators of one output channel (columns col, col+16) as the mode says.</summary>
    public static void StoreRow2(ArrayView<sbyte> output, ArrayView<int> accumulator, ArrayView<int> bias, ArrayView<int> multiplier, ArrayView<int> shift,
        int v0, int v1, int row, int col, int rowsPerGroup, int channelBase, int columns, int cout, int pixels,
        int hasBias, int zeroPoint, int clampMin, int clampMax, int mode)
    {
        if (row >= rowsPerGroup) return;
        int channel = channelBase + row;
        int b = hasBias != 0 ? bias[channel] : 0;
        int m = mode == RequantizeKernels.Fused ? multiplier[channel] : 0;
        int s = mode == RequantizeKernels.Fused ? shift[channel] : 0;
        Store(output, accumulator, v0 + b, channel, col, columns, cout, pixels, m, s, zeroPoint, clampMin, clampMax, mode);
        Store(output, accumulator, v1 + b, channel, col + 16, columns, cout, pixels, m, s, zeroPoint, clampMin, clampMax, mode);
    }

    /// <summary>Weights k .. k+3 of the row starting at <c>p.RowBase</c>, packed; zeros past the row (depth need not be a multiple of 4).</summary>
    public static int LoadWeight4(ArrayView<sbyte> weight, int rowBase, int k, int depth)
    {
        if (k + 3 < depth) return Int8Math.Load4(weight, rowBase + k);
        int a = k < depth ? weight[rowBase + k] : 0;
        int b = k + 1 < depth ? weight[rowBase + k + 1] : 0;
        int c = k + 2 < depth ? weight[rowBase + k + 2] : 0;
        return Pack4(a, b, c, 0);
    }

    /// <summary>Four int8 (as ints) packed little-endian, as <see cref="Int8Math.Load4"/> would read them.</summary>
    public static int Pack4(int a, int b, int c, int d) =>
        (int)((uint)(a & 255) | (uint)(b & 255) << 8 | (uint)(c & 255) << 16 | (uint)(d & 255) << 24);

    /// <summary>Im2col elements k .. k+3 of one column, packed (each as <see cref="Gather"/>).</summary>
    public static int Gather4(ArrayView<sbyte> input, int k, int column, int depth, int columns, int channelBase, int cin, int height, int width,
        int kh, int kw, int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int outW, int pixels, int zeroPoint)
    {
        if (column >= columns) return 0;
        return Pack4(
            Gather(input, k, column, depth, channelBase, cin, height, width, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, outW, pixels, zeroPoint),
            Gather(input, k + 1, column, depth, channelBase, cin, height, width, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, outW, pixels, zeroPoint),
            Gather(input, k + 2, column, depth, channelBase, cin, height, width, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, outW, pixels, zeroPoint),
            Gather(input, k + 3, column, depth, channelBase, cin, height, width, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, outW, pixels, zeroPoint));
    }

    /// <summary>Im2col element (k, column): the input, the zero point in the padding, 0 past the depth (its weight is 0 too).</summary>
    public static int Gather(ArrayView<sbyte> input, int k, int column, int depth, int channelBase, int cin, int height, int width,
        int kh, int kw, int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int outW, int pixels, int zeroPoint)
    {
        if (k >= depth) return 0;
        int ci = k / (kh * kw);
        int r = k % (kh * kw);
        int b = column / pixels;
        int p = column % pixels;
        int iy = p / outW * strideH - padH + r / kw * dilationH;
        int ix = p % outW * strideW - padW + r % kw * dilationW;
        if (iy < 0 || iy >= height || ix < 0 || ix >= width) return zeroPoint;
        return input[((b * cin + channelBase + ci) * height + iy) * width + ix];
    }

    /// <summary>Stores four accumulators of one output channel (columns col, +16, +32, +48) as the mode says.</summary>
    public static void StoreRow(ArrayView<sbyte> output, ArrayView<int> accumulator, ArrayView<int> bias, ArrayView<int> multiplier, ArrayView<int> shift,
        int v0, int v1, int v2, int v3, int row, int col, int rowsPerGroup, int channelBase, int columns, int cout, int pixels,
        int hasBias, int zeroPoint, int clampMin, int clampMax, int mode)
    {
        if (row >= rowsPerGroup) return;
        int channel = channelBase + row;
        int b = hasBias != 0 ? bias[channel] : 0;
        int m = mode == RequantizeKernels.Fused ? multiplier[channel] : 0;
        int s = mode == RequantizeKernels.Fused ? shift[channel] : 0;
        Store(output, accumulator, v0 + b, channel, col, columns, cout, pixels, m, s, zeroPoint, clampMin, clampMax, mode);
        Store(output, accumulator, v1 + b, channel, col + 16, columns, cout, pixels, m, s, zeroPoint, clampMin, clampMax, mode);
        Store(output, accumulator, v2 + b, channel, col + 32, columns, cout, pixels, m, s, zeroPoint, clampMin, clampMax, mode);
        Store(output, accumulator, v3 + b, channel, col + 48, columns, cout, pixels, m, s, zeroPoint, clampMin, clampMax, mode);
    }

    /// <summary>One output at GEMM column col = batch·pixels + pixel: requantized int8, or the int32 sum written or added.</summary>
    public static void Store(ArrayView<sbyte> output, ArrayView<int> accumulator, int acc, int channel, int col, int columns, int cout, int pixels,
        int multiplier, int shift, int zeroPoint, int clampMin, int clampMax, int mode)
    {
        if (col >= columns) return;
        int index = (col / pixels * cout + channel) * pixels + col % pixels;
        if (mode == RequantizeKernels.Fused) output[index] = RequantizeKernels.Requant(acc, multiplier, shift, zeroPoint, clampMin, clampMax);
        else if (mode == RequantizeKernels.AddSumWrite) accumulator[index] = acc;
        else accumulator[index] += acc;
    }
}

/// <summary>Shape, hyper-parameters and quantization of <see cref="Int8Conv2dKernels.Int8Conv2d"/> (flat launch arguments in field order).</summary>
public struct Int8Conv2dParams
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
    public int InputZeroPoint;
    public int OutputZeroPoint;
    public int ClampMin;
    public int ClampMax;
}
