using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Int8 2-D convolution on tensor cores (sm_80+): the implicit GEMM of <see cref="Int8Conv2dKernels"/> (output channels
/// × output pixels, k = cin/groups · kh · kw), NCHW at its boundary, same parameters and epilogue, with the inner product
/// on <see cref="TensorCoreMma.Mma"/> (m16n8k32) instead of dp4a. A group of 4 warps computes a 64 × 64 tile; warp w
/// takes rows 32·(w / 2) .. +31 (two m16 tiles) and the n8 tiles at columns 8·(w % 2) + 16j, j = 0..3, so each lane's
/// outputs of one row sit 16 columns apart, as <see cref="Int8Conv2dKernels.StoreRow"/> stores them.
/// Warp-collective (shuffles in the portable mma): an ILGPU-only kernel with no cpu/OpenCL form (see
/// <see cref="IlgpuOnlyKernels.Int8TensorCoreConv2d"/>).
/// </summary>
public static class Int8TensorCoreConv2dKernels
{
    public const int TileM = 64;
    public const int TileN = 64;

    /// <summary>k per step: one m16n8k32, staged as 8 packed ints per row or column.</summary>
    public const int TileK = 32;

    /// <summary>Four warps of 32 lanes.</summary>
    public const int Threads = 128;

    /// <summary>Ints per staged row: 8 used plus 4 of padding, so a fragment load (lanes 4g + t read row g, int t) hits 32 distinct banks.</summary>
    public const int RowInts = 12;

    /// <summary>
    /// Grid: group size (128), group count (ceil(batch·outH·outW / 64), ceil((cout / groups) / 64), groups); views and
    /// parameters exactly as <see cref="Int8Conv2dKernels.Int8Conv2d"/>.
    /// </summary>
    public static void Int8TensorCoreConv2d(ArrayView<sbyte> input, ArrayView<sbyte> weight, ArrayView<int> bias, ArrayView<int> multiplier, ArrayView<int> shift, ArrayView<sbyte> output, ArrayView<int> accumulator,
        Int8Conv2dParams p, SpecializedValue<int> mode)
    {
        var tileW = SharedMemory.Allocate<int>(TileM * RowInts);
        var tileX = SharedMemory.Allocate<int>(TileN * RowInts);
        int linear = Group.IdxX;
        int lane = linear & 31;
        int warp = linear >> 5;
        int g = Grid.IdxZ;
        int rowsPerGroup = p.OutChannels / p.Groups;
        int cinPerGroup = p.InChannels / p.Groups;
        int depth = cinPerGroup * p.KernelH * p.KernelW;
        int pixels = p.OutH * p.OutW;
        int columns = p.Batch * pixels;
        int m0 = Grid.IdxY * TileM;
        int n0 = Grid.IdxX * TileN;
        // Fragment rows of this lane in the shared tiles: A rows warpRow + groupID (+8, +16, +24), B columns warpColumn + groupID (+16j).
        int aRow = ((warp >> 1) * 32 + (lane >> 2)) * RowInts + (lane & 3);
        int bColumn = ((warp & 1) * 8 + (lane >> 2)) * RowInts + (lane & 3);

        var tile = default(MmaWarpTile);
        for (int k0 = 0; k0 < depth; k0 += TileK)
        {
            // 64 rows (columns) × 8 packed ints per tile: item `linear` stages slots linear, +128, +256, +384.
            for (int s = 0; s < 4; s++)
            {
                int slot = s * Threads + linear;
                int r = slot >> 3;
                int k = k0 + (slot & 7) * 4;
                tileW[r * RowInts + (slot & 7)] = m0 + r < rowsPerGroup
                    ? Int8Conv2dKernels.LoadWeight4(weight, (g * rowsPerGroup + m0 + r) * depth, k, depth) : 0;
                tileX[r * RowInts + (slot & 7)] = Int8Conv2dKernels.Gather4(input, k, n0 + r, depth, columns, cinPerGroup * g, p.InChannels, p.Height, p.Width,
                    p.KernelH, p.KernelW, p.StrideH, p.StrideW, p.PadH, p.PadW, p.DilationH, p.DilationW, p.OutW, pixels, p.InputZeroPoint);
            }
            Group.Barrier();
            tile.Step(tileW, tileX, aRow, bColumn);
            Group.Barrier();
        }

        // Lane (g, t) holds, per m16 tile i and n8 tile j, rows +g and +g+8 at columns 2t and 2t+1.
        int row = m0 + (warp >> 1) * 32 + (lane >> 2);
        int col = n0 + (warp & 1) * 8 + (lane & 3) * 2;
        int cb = g * rowsPerGroup;
        int m = mode.Value;
        Int8Conv2dKernels.StoreRow(output, accumulator, bias, multiplier, shift, tile.C00.C0, tile.C01.C0, tile.C02.C0, tile.C03.C0, row, col, rowsPerGroup, cb, columns, p.OutChannels, pixels, p.HasBias, p.OutputZeroPoint, p.ClampMin, p.ClampMax, m);
        Int8Conv2dKernels.StoreRow(output, accumulator, bias, multiplier, shift, tile.C00.C1, tile.C01.C1, tile.C02.C1, tile.C03.C1, row, col + 1, rowsPerGroup, cb, columns, p.OutChannels, pixels, p.HasBias, p.OutputZeroPoint, p.ClampMin, p.ClampMax, m);
        Int8Conv2dKernels.StoreRow(output, accumulator, bias, multiplier, shift, tile.C00.C2, tile.C01.C2, tile.C02.C2, tile.C03.C2, row + 8, col, rowsPerGroup, cb, columns, p.OutChannels, pixels, p.HasBias, p.OutputZeroPoint, p.ClampMin, p.ClampMax, m);
        Int8Conv2dKernels.StoreRow(output, accumulator, bias, multiplier, shift, tile.C00.C3, tile.C01.C3, tile.C02.C3, tile.C03.C3, row + 8, col + 1, rowsPerGroup, cb, columns, p.OutChannels, pixels, p.HasBias, p.OutputZeroPoint, p.ClampMin, p.ClampMax, m);
        Int8Conv2dKernels.StoreRow(output, accumulator, bias, multiplier, shift, tile.C10.C0, tile.C11.C0, tile.C12.C0, tile.C13.C0, row + 16, col, rowsPerGroup, cb, columns, p.OutChannels, pixels, p.HasBias, p.OutputZeroPoint, p.ClampMin, p.ClampMax, m);
        Int8Conv2dKernels.StoreRow(output, accumulator, bias, multiplier, shift, tile.C10.C1, tile.C11.C1, tile.C12.C1, tile.C13.C1, row + 16, col + 1, rowsPerGroup, cb, columns, p.OutChannels, pixels, p.HasBias, p.OutputZeroPoint, p.ClampMin, p.ClampMax, m);
        Int8Conv2dKernels.StoreRow(output, accumulator, bias, multiplier, shift, tile.C10.C2, tile.C11.C2, tile.C12.C2, tile.C13.C2, row + 24, col, rowsPerGroup, cb, columns, p.OutChannels, pixels, p.HasBias, p.OutputZeroPoint, p.ClampMin, p.ClampMax, m);
        Int8Conv2dKernels.StoreRow(output, accumulator, bias, multiplier, shift, tile.C10.C3, tile.C11.C3, tile.C12.C3, tile.C13.C3, row + 24, col + 1, rowsPerGroup, cb, columns, p.OutChannels, pixels, p.HasBias, p.OutputZeroPoint, p.ClampMin, p.ClampMax, m);
    }
}
