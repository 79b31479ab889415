using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// The int32 16 × 8 accumulator tile of one <c>mma.sync.aligned.m16n8k32</c> as one lane holds it (PTX ISA, "Matrix
/// Fragments for mma.m16n8k32"): with groupID = lane / 4 and threadID_in_group = lane % 4, C0 and C1 are row groupID,
/// C2 and C3 row groupID + 8, and Ci sits at column threadID_in_group · 2 + (i &amp; 1).
/// </summary>
public struct MmaAccumulator
{
    public int C0;
    public int C1;
    public int C2;
    public int C3;
}

/// <summary>
/// One warp's 32 × 32 share of a 64 × 64 tensor-core tile: two m16 rows (C0x, C1x) × four n8 columns (Cx0..Cx3) of
/// accumulators, and the k step that loads its fragments from the staged tiles (rows of
/// <see cref="Int8TensorCoreConv2dKernels.RowInts"/> ints). Shared by the NCHW and NHWC tensor-core convs, which differ
/// only in how they stage the tiles and store the result.
/// </summary>
public struct MmaWarpTile
{
    public MmaAccumulator C00, C01, C02, C03, C10, C11, C12, C13;

    /// <summary>
    /// One k step of 32: A fragments at <paramref name="aRow"/> of <paramref name="tileW"/> (rows +0, +8, +16, +24; ints
    /// +0 and +4), B fragments at <paramref name="bColumn"/> of <paramref name="tileX"/> (columns +0, +16, +32, +48), then
    /// the eight mma. Every lane of the warp calls it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step(ArrayView<int> tileW, ArrayView<int> tileX, int aRow, int bColumn)
    {
        const int R = Int8TensorCoreConv2dKernels.RowInts;
        int a00 = tileW[aRow], a01 = tileW[aRow + 8 * R], a02 = tileW[aRow + 4], a03 = tileW[aRow + 8 * R + 4];
        int a10 = tileW[aRow + 16 * R], a11 = tileW[aRow + 24 * R], a12 = tileW[aRow + 16 * R + 4], a13 = tileW[aRow + 24 * R + 4];
        int b00 = tileX[bColumn], b01 = tileX[bColumn + 4];
        int b10 = tileX[bColumn + 16 * R], b11 = tileX[bColumn + 16 * R + 4];
        int b20 = tileX[bColumn + 32 * R], b21 = tileX[bColumn + 32 * R + 4];
        int b30 = tileX[bColumn + 48 * R], b31 = tileX[bColumn + 48 * R + 4];
        C00 = TensorCoreMma.Mma(C00, a00, a01, a02, a03, b00, b01);
        C01 = TensorCoreMma.Mma(C01, a00, a01, a02, a03, b10, b11);
        C02 = TensorCoreMma.Mma(C02, a00, a01, a02, a03, b20, b21);
        C03 = TensorCoreMma.Mma(C03, a00, a01, a02, a03, b30, b31);
        C10 = TensorCoreMma.Mma(C10, a10, a11, a12, a13, b00, b01);
        C11 = TensorCoreMma.Mma(C11, a10, a11, a12, a13, b10, b11);
        C12 = TensorCoreMma.Mma(C12, a10, a11, a12, a13, b20, b21);
        C13 = TensorCoreMma.Mma(C13, a10, a11, a12, a13, b30, b31);
    }
}

/// <summary>
/// The warp-level int8 tensor-core step: <c>mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32</c> on CUDA (sm_80+), and a
/// portable body that computes the same tile from the fragment layout with warp shuffles, so the kernels that call it
/// run on ILGPU's CPU accelerator bit for bit. Every lane of the warp must call it (the shuffles and the mma are
/// warp-collective).
/// Fragments, each .b32 register four int8 packed little-endian along k (lowest k in bits 0..7):
/// A (16 × 32, row-major): A0 = row groupID, k 4t..4t+3; A1 = row groupID + 8, same k; A2 = row groupID, k 16+4t..;
/// A3 = row groupID + 8, k 16+4t.. (t = threadID_in_group).
/// B (32 × 8, column-major): B0 = column groupID, k 4t..4t+3; B1 = column groupID, k 16+4t..16+4t+3.
/// </summary>
public static class TensorCoreMma
{
    /// <summary>D = A·B + C for one lane's fragments (see the type's summary for the layout).</summary>
    public static MmaAccumulator Mma(MmaAccumulator c, int a0, int a1, int a2, int a3, int b0, int b1)
    {
        if (CudaAsm.IsSupported)
        {
            Ref<int> d0 = c.C0, d1 = c.C1, d2 = c.C2, d3 = c.C3;
            Input<int> x0 = a0, x1 = a1, x2 = a2, x3 = a3, y0 = b0, y1 = b1;
            CudaAsm.EmitRef("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};",
                ref d0, ref d1, ref d2, ref d3, ref x0, ref x1, ref x2, ref x3, ref y0, ref y1);
            return new MmaAccumulator { C0 = d0.Value, C1 = d1.Value, C2 = d2.Value, C3 = d3.Value };
        }
        return Emulate(c, a0, a1, a2, a3, b0, b1, Warp.LaneIdx);
    }

    /// <summary>
    /// The instruction's result from its fragment layout: lane (g, t) needs rows g and g + 8 of A (held by lanes 4g..4g+3)
    /// and columns 2t and 2t + 1 of B (held by lanes 8t..8t+3 and 8t+4..8t+7), fetched four k at a time by shuffles.
    /// Int32 sums wrap on overflow, as the instruction's do without .satfinite.
    /// </summary>
    public static MmaAccumulator Emulate(MmaAccumulator c, int a0, int a1, int a2, int a3, int b0, int b1, int lane)
    {
        int groupId = lane >> 2;
        int column = (lane & 3) * 2;
        for (int t = 0; t < 4; t++)
        {
            int rowLane = groupId * 4 + t;
            int column0Lane = column * 4 + t;
            int column1Lane = column0Lane + 4;
            int rowLow = Warp.Shuffle(a0, rowLane);
            int row8Low = Warp.Shuffle(a1, rowLane);
            int rowHigh = Warp.Shuffle(a2, rowLane);
            int row8High = Warp.Shuffle(a3, rowLane);
            int column0Low = Warp.Shuffle(b0, column0Lane);
            int column0High = Warp.Shuffle(b1, column0Lane);
            int column1Low = Warp.Shuffle(b0, column1Lane);
            int column1High = Warp.Shuffle(b1, column1Lane);
            c.C0 = Int8Math.Dot4(rowHigh, column0High, Int8Math.Dot4(rowLow, column0Low, c.C0));
            c.C1 = Int8Math.Dot4(rowHigh, column1High, Int8Math.Dot4(rowLow, column1Low, c.C1));
            c.C2 = Int8Math.Dot4(row8High, column0High, Int8Math.Dot4(row8Low, column0Low, c.C2));
            c.C3 = Int8Math.Dot4(row8High, column1High, Int8Math.Dot4(row8Low, column1Low, c.C3));
        }
        return c;
    }
}
