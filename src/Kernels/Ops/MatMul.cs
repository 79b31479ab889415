using ILGPU;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Row-major float matrix multiply C[m, n] = A[m, k] · B[k, n], tiled through group shared memory: the
/// base pattern of convolution as implicit GEMM.
/// </summary>
public static class MatMulKernels
{
    /// <summary>Tile edge; the group is Tile × Tile work items, one per output element.</summary>
    public const int Tile = 16;

    /// <summary>
    /// Grid: group size (Tile, Tile), group count (ceil(n / Tile), ceil(m / Tile)). Each group stages a
    /// Tile × Tile block of A and of B in shared memory per step along k, so every global element is read
    /// once per tile instead of once per output.
    /// </summary>
    [Kernel]
    public static void MatMulTiled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k)
    {
        var tileA = SharedMemory.Allocate<float>(Tile * Tile);
        var tileB = SharedMemory.Allocate<float>(Tile * Tile);
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int row = Grid.IdxY * Tile + ty;
        int col = Grid.IdxX * Tile + tx;
        float acc = 0f;
        for (int t = 0; t < k; t += Tile)
        {
            int ak = t + tx;
            int bk = t + ty;
            tileA[ty * Tile + tx] = row < m && ak < k ? a[row * k + ak] : 0f;
            tileB[ty * Tile + tx] = bk < k && col < n ? b[bk * n + col] : 0f;
            Group.Barrier();
            for (int i = 0; i < Tile; i++)
                acc += tileA[ty * Tile + i] * tileB[i * Tile + tx];
            Group.Barrier();
        }
        if (row < m && col < n) c[row * n + col] = acc;
    }
}
