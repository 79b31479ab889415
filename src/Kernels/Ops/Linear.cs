using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Fully connected layer, fp32: y[n, o] = act(Σ_k x[n, k] · w[o, k] + b[o]); x is [batch, in], w [out, in]
/// (PyTorch layout, rows contiguous along k), y [batch, out]. Two kernels: <see cref="LinearRows"/> for small
/// batches (a matrix-vector product: bandwidth bound on w, so every weight row is read once per sample by
/// consecutive items) and <see cref="LinearTiled"/> for large ones (compute bound: tiles of x and w staged in
/// shared memory, each element reused Tile times).
/// </summary>
public static class LinearKernels
{
    /// <summary>Items per output row in <see cref="LinearRows"/> (a power of two: the tree reduction halves it).</summary>
    public const int RowThreads = 32;

    /// <summary>Output features per group in <see cref="LinearRows"/>.</summary>
    public const int RowsPerGroup = 8;

    /// <summary>Tile edge of <see cref="LinearTiled"/>: group Tile × Tile items, one output each.</summary>
    public const int Tile = 16;

    /// <summary>
    /// Small-batch path. Grid: group size (RowThreads, RowsPerGroup), group count (ceil(out / RowsPerGroup), batch).
    /// Item (lane, r) sums x[n, k]·w[o, k] over k ≡ lane (mod RowThreads) for o = group·RowsPerGroup + r, so a row's
    /// 32 lanes read 128 contiguous bytes of w at a time; the 32 partial sums are then added by a tree in shared memory.
    /// <paramref name="bias"/> is read only when <paramref name="hasBias"/> ≠ 0; <paramref name="activation"/> is a
    /// <see cref="FusedActivation"/> constant.
    /// </summary>
    [Kernel]
    public static void LinearRows(ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> output,
        int inFeatures, int outFeatures, int hasBias, SpecializedValue<int> activation)
    {
        var partial = SharedMemory.Allocate<float>(RowThreads * RowsPerGroup);
        int lane = Group.IdxX;
        int slot = Group.IdxY * RowThreads + lane;
        int o = Grid.IdxX * RowsPerGroup + Group.IdxY;
        int n = Grid.IdxY;
        float sum = 0f;
        if (o < outFeatures)
            for (int k = lane; k < inFeatures; k += RowThreads)
                sum += input[n * inFeatures + k] * weight[o * inFeatures + k];
        partial[slot] = sum;
        Group.Barrier();
        for (int half = RowThreads / 2; half > 0; half >>= 1)
        {
            if (lane < half) partial[slot] += partial[slot + half];
            Group.Barrier();
        }
        if (lane == 0 && o < outFeatures)
            output[n * outFeatures + o] = FusedActivation.Apply(partial[slot] + (hasBias != 0 ? bias[o] : 0f), activation);
    }

    /// <summary>
    /// Large-batch path. Grid: group size (Tile, Tile), group count (ceil(out / Tile), ceil(batch / Tile)). Item (tx, ty)
    /// computes y[n0 + ty, o0 + tx]. Both tiles are staged row-major along k with coalesced loads; the w tile has a
    /// padded row (Tile + 1) so reading it by column hits distinct shared-memory banks.
    /// </summary>
    [Kernel]
    public static void LinearTiled(ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> output,
        int batch, int inFeatures, int outFeatures, int hasBias, SpecializedValue<int> activation)
    {
        var tileX = SharedMemory.Allocate<float>(Tile * Tile);
        var tileW = SharedMemory.Allocate<float>(Tile * (Tile + 1));
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int n = Grid.IdxY * Tile + ty;
        int o = Grid.IdxX * Tile + tx;
        // The w row this item stages (not the one it computes): row o0 + ty, column k0 + tx.
        int stagedRow = Grid.IdxX * Tile + ty;
        float acc = 0f;
        for (int k0 = 0; k0 < inFeatures; k0 += Tile)
        {
            int k = k0 + tx;
            tileX[ty * Tile + tx] = n < batch && k < inFeatures ? input[n * inFeatures + k] : 0f;
            tileW[ty * (Tile + 1) + tx] = stagedRow < outFeatures && k < inFeatures ? weight[stagedRow * inFeatures + k] : 0f;
            Group.Barrier();
            for (int i = 0; i < Tile; i++)
                acc += tileX[ty * Tile + i] * tileW[tx * (Tile + 1) + i];
            Group.Barrier();
        }
        if (n < batch && o < outFeatures)
            output[n * outFeatures + o] = FusedActivation.Apply(acc + (hasBias != 0 ? bias[o] : 0f), activation);
    }
}
