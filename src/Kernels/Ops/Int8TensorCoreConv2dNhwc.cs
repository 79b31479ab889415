using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// The tensor-core int8 conv of <see cref="Int8TensorCoreConv2dKernels"/> on plain NHWC activations: input int8
/// N×H×W×C, output int8 N×OH×OW×Cout (fused mode) or the int32 addsum of that layout (addsum-write mode). No channel
/// padding, so an NHWC tensor has exactly the bytes of its NCHW twin and the planner plans it unchanged. The GEMM's k runs
/// (ky, kx, c) within a group, so the four k values of an mma fragment register are four consecutive channels of one
/// input pixel: one 32-bit load when every group's channel count is a multiple of 4, four bounds-checked bytes
/// otherwise. Weights stay [cout, cin/groups, kh, kw] (the session uploads one form for every kernel): a 1×1 conv reads
/// them as it is, a larger kernel gathers the four bytes of a k step (staged once per 64-row tile, so it is off the mma path).
/// Tiles, warps, fragments and grid exactly as the NCHW kernel's; an ILGPU-only kernel (see <see cref="IlgpuOnlyKernels.Int8TensorCoreConv2dNhwc"/>).
/// </summary>
public static class Int8TensorCoreConv2dNhwcKernels
{
    /// <summary>Grid, views and parameters as <see cref="Int8TensorCoreConv2dKernels.Int8TensorCoreConv2d"/>; input and output NHWC.</summary>
    public static void Int8TensorCoreConv2dNhwc(ArrayView<sbyte> input, ArrayView<sbyte> weight, ArrayView<int> bias, ArrayView<int> multiplier, ArrayView<int> shift, ArrayView<sbyte> output, ArrayView<int> accumulator,
        Int8Conv2dParams p, SpecializedValue<int> mode)
    {
        const int RowInts = Int8TensorCoreConv2dKernels.RowInts;
        var tileW = SharedMemory.Allocate<int>(Int8TensorCoreConv2dKernels.TileM * RowInts);
        var tileX = SharedMemory.Allocate<int>(Int8TensorCoreConv2dKernels.TileN * RowInts);
        var words = input.Cast<int>();
        int linear = Group.IdxX;
        int lane = linear & 31;
        int warp = linear >> 5;
        int g = Grid.IdxZ;
        int rowsPerGroup = p.OutChannels / p.Groups;
        int cinPerGroup = p.InChannels / p.Groups;
        int taps = p.KernelH * p.KernelW;
        int depth = cinPerGroup * taps;
        int pixels = p.OutH * p.OutW;
        int columns = p.Batch * pixels;
        int m0 = Grid.IdxY * Int8TensorCoreConv2dKernels.TileM;
        int n0 = Grid.IdxX * Int8TensorCoreConv2dKernels.TileN;
        int aRow = ((warp >> 1) * 32 + (lane >> 2)) * RowInts + (lane & 3);
        int bColumn = ((warp & 1) * 8 + (lane >> 2)) * RowInts + (lane & 3);

        var tile = default(MmaWarpTile);
        for (int k0 = 0; k0 < depth; k0 += Int8TensorCoreConv2dKernels.TileK)
        {
            for (int s = 0; s < 4; s++)
            {
                int slot = s * Int8TensorCoreConv2dKernels.Threads + linear;
                int r = slot >> 3;
                int k = k0 + (slot & 7) * 4;
                int rowBase = (g * rowsPerGroup + m0 + r) * depth;
                tileW[r * RowInts + (slot & 7)] = m0 + r >= rowsPerGroup ? 0
                    : taps == 1 ? Int8Conv2dKernels.LoadWeight4(weight, rowBase, k, depth)
                    : Int8Conv2dKernels.Pack4(Weight(weight, rowBase, k, depth, cinPerGroup, taps), Weight(weight, rowBase, k + 1, depth, cinPerGroup, taps),
                        Weight(weight, rowBase, k + 2, depth, cinPerGroup, taps), Weight(weight, rowBase, k + 3, depth, cinPerGroup, taps));
                tileX[r * RowInts + (slot & 7)] = Gather4(input, words, k, n0 + r, depth, columns, cinPerGroup * g, cinPerGroup, p, pixels);
            }
            Group.Barrier();
            tile.Step(tileW, tileX, aRow, bColumn);
            Group.Barrier();
        }

        int row = m0 + (warp >> 1) * 32 + (lane >> 2);
        int col = n0 + (warp & 1) * 8 + (lane & 3) * 2;
        int cb = g * rowsPerGroup;
        int m = mode.Value;
        int cout = p.OutChannels;
        Int8TensorCoreNhwcStore.Row(output, accumulator, bias, multiplier, shift, tile.C00.C0, tile.C01.C0, tile.C02.C0, tile.C03.C0, row, col, rowsPerGroup, cb, columns, cout, p, m);
        Int8TensorCoreNhwcStore.Row(output, accumulator, bias, multiplier, shift, tile.C00.C1, tile.C01.C1, tile.C02.C1, tile.C03.C1, row, col + 1, rowsPerGroup, cb, columns, cout, p, m);
        Int8TensorCoreNhwcStore.Row(output, accumulator, bias, multiplier, shift, tile.C00.C2, tile.C01.C2, tile.C02.C2, tile.C03.C2, row + 8, col, rowsPerGroup, cb, columns, cout, p, m);
        Int8TensorCoreNhwcStore.Row(output, accumulator, bias, multiplier, shift, tile.C00.C3, tile.C01.C3, tile.C02.C3, tile.C03.C3, row + 8, col + 1, rowsPerGroup, cb, columns, cout, p, m);
        Int8TensorCoreNhwcStore.Row(output, accumulator, bias, multiplier, shift, tile.C10.C0, tile.C11.C0, tile.C12.C0, tile.C13.C0, row + 16, col, rowsPerGroup, cb, columns, cout, p, m);
        Int8TensorCoreNhwcStore.Row(output, accumulator, bias, multiplier, shift, tile.C10.C1, tile.C11.C1, tile.C12.C1, tile.C13.C1, row + 16, col + 1, rowsPerGroup, cb, columns, cout, p, m);
        Int8TensorCoreNhwcStore.Row(output, accumulator, bias, multiplier, shift, tile.C10.C2, tile.C11.C2, tile.C12.C2, tile.C13.C2, row + 24, col, rowsPerGroup, cb, columns, cout, p, m);
        Int8TensorCoreNhwcStore.Row(output, accumulator, bias, multiplier, shift, tile.C10.C3, tile.C11.C3, tile.C12.C3, tile.C13.C3, row + 24, col + 1, rowsPerGroup, cb, columns, cout, p, m);
    }

    /// <summary>Weight at GEMM depth k = (ky·kw + kx)·cinPerGroup + c of the row at <paramref name="rowBase"/>, read from [cout, cin/groups, kh, kw]; 0 past the depth.</summary>
    public static int Weight(ArrayView<sbyte> weight, int rowBase, int k, int depth, int cinPerGroup, int taps) =>
        k < depth ? weight[rowBase + k % cinPerGroup * taps + k / cinPerGroup] : 0;

    /// <summary>
    /// Im2col elements k .. k+3 of one output pixel (column), packed: k = tap·cinPerGroup + c. When cinPerGroup is a
    /// multiple of 4 the four share one tap and sit in one aligned int (C and the group's first channel are multiples
    /// of 4 too), so one load or the packed zero point serves; otherwise each byte is gathered on its own.
    /// </summary>
    public static int Gather4(ArrayView<sbyte> input, ArrayView<int> words, int k, int column, int depth, int columns, int channelBase, int cinPerGroup,
        Int8Conv2dParams p, int pixels)
    {
        if (column >= columns || k >= depth) return 0;
        int b = column / pixels;
        int pixel = column % pixels;
        int oy = pixel / p.OutW * p.StrideH - p.PadH;
        int ox = pixel % p.OutW * p.StrideW - p.PadW;
        if ((cinPerGroup & 3) == 0)
        {
            int tap = k / cinPerGroup;
            int iy = oy + tap / p.KernelW * p.DilationH;
            int ix = ox + tap % p.KernelW * p.DilationW;
            if (iy < 0 || iy >= p.Height || ix < 0 || ix >= p.Width)
                return Int8Conv2dKernels.Pack4(p.InputZeroPoint, p.InputZeroPoint, p.InputZeroPoint, p.InputZeroPoint);
            return words[(((b * p.Height + iy) * p.Width + ix) * p.InChannels + channelBase + k % cinPerGroup) >> 2];
        }
        return Int8Conv2dKernels.Pack4(Gather(input, k, b, oy, ox, depth, channelBase, cinPerGroup, p), Gather(input, k + 1, b, oy, ox, depth, channelBase, cinPerGroup, p),
            Gather(input, k + 2, b, oy, ox, depth, channelBase, cinPerGroup, p), Gather(input, k + 3, b, oy, ox, depth, channelBase, cinPerGroup, p));
    }

    /// <summary>One im2col byte (k, pixel at window origin oy, ox of batch b): the input, the zero point in the padding, 0 past the depth.</summary>
    public static int Gather(ArrayView<sbyte> input, int k, int b, int oy, int ox, int depth, int channelBase, int cinPerGroup, Int8Conv2dParams p)
    {
        if (k >= depth) return 0;
        int tap = k / cinPerGroup;
        int iy = oy + tap / p.KernelW * p.DilationH;
        int ix = ox + tap % p.KernelW * p.DilationW;
        if (iy < 0 || iy >= p.Height || ix < 0 || ix >= p.Width) return p.InputZeroPoint;
        return input[((b * p.Height + iy) * p.Width + ix) * p.InChannels + channelBase + k % cinPerGroup];
    }
}

/// <summary>The NHWC epilogue: the output of GEMM column col (= batch·pixels + pixel) and channel sits at col·cout + channel.</summary>
public static class Int8TensorCoreNhwcStore
{
    /// <summary>Four accumulators of one output channel (columns col, +16, +32, +48), bias added, stored as the mode says.</summary>
    public static void Row(ArrayView<sbyte> output, ArrayView<int> accumulator, ArrayView<int> bias, ArrayView<int> multiplier, ArrayView<int> shift,
        int v0, int v1, int v2, int v3, int row, int col, int rowsPerGroup, int channelBase, int columns, int cout, Int8Conv2dParams p, int mode)
    {
        if (row >= rowsPerGroup) return;
        int channel = channelBase + row;
        int b = p.HasBias != 0 ? bias[channel] : 0;
        int m = mode == RequantizeKernels.Fused ? multiplier[channel] : 0;
        int s = mode == RequantizeKernels.Fused ? shift[channel] : 0;
        One(output, accumulator, v0 + b, channel, col, columns, cout, m, s, p, mode);
        One(output, accumulator, v1 + b, channel, col + 16, columns, cout, m, s, p, mode);
        One(output, accumulator, v2 + b, channel, col + 32, columns, cout, m, s, p, mode);
        One(output, accumulator, v3 + b, channel, col + 48, columns, cout, m, s, p, mode);
    }

    /// <summary>One output: requantized int8, or the int32 sum written or added.</summary>
    public static void One(ArrayView<sbyte> output, ArrayView<int> accumulator, int acc, int channel, int col, int columns, int cout,
        int multiplier, int shift, Int8Conv2dParams p, int mode)
    {
        if (col >= columns) return;
        int index = col * cout + channel;
        if (mode == RequantizeKernels.Fused) output[index] = RequantizeKernels.Requant(acc, multiplier, shift, p.OutputZeroPoint, p.ClampMin, p.ClampMax);
        else if (mode == RequantizeKernels.AddSumWrite) accumulator[index] = acc;
        else accumulator[index] += acc;
    }
}
