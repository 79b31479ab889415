using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// ILGPU kernels written for the PTX tests, shaped like the engine's: a shared-memory tiled fp32 GEMM with a
/// specialized fused activation (the fp32 conv's 64 × 64 tile, 16 × 16 groups, 4 × 4 outputs per thread), and an int8
/// dot product through dp4a behind <see cref="CudaAsm.IsSupported"/>. They keep the PTX path tested while
/// src/Kernels/Ops is not yet ILGPU (KernelDescriptor.Method null).
/// </summary>
public static class PtxTestKernels
{
    public const int Tile = 64;
    public const int TileK = 8;
    public const int Threads = 16;

    /// <summary>c[m, n] = act(Σ_k a[m, k] · b[k, n]); a is [m, k], b is [k, n]; activation 0 none, 1 ReLU, 2 ReLU6. Group 16 × 16.</summary>
    public static void TiledGemm(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, SpecializedValue<int> activation)
    {
        var tileA = SharedMemory.Allocate<float>(TileK * Tile);
        var tileB = SharedMemory.Allocate<float>(TileK * Tile);
        int tx = Group.IdxX, ty = Group.IdxY, linear = ty * Threads + tx;
        int m0 = Grid.IdxY * Tile, n0 = Grid.IdxX * Tile;
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int k0 = 0; k0 < k; k0 += TileK)
        {
            for (int e = linear; e < TileK * Tile; e += Threads * Threads)
            {
                int kk = e / Tile, col = e % Tile;
                tileA[e] = m0 + col < m && k0 + kk < k ? a[(m0 + col) * k + k0 + kk] : 0f;
                tileB[e] = n0 + col < n && k0 + kk < k ? b[(k0 + kk) * n + n0 + col] : 0f;
            }
            Group.Barrier();
            for (int kk = 0; kk < TileK; kk++)
            {
                float a0 = tileA[kk * Tile + ty], a1 = tileA[kk * Tile + ty + 16], a2 = tileA[kk * Tile + ty + 32], a3 = tileA[kk * Tile + ty + 48];
                float b0 = tileB[kk * Tile + tx], b1 = tileB[kk * Tile + tx + 16], b2 = tileB[kk * Tile + tx + 32], b3 = tileB[kk * Tile + tx + 48];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            Group.Barrier();
        }
        StoreRow(c, c00, c01, c02, c03, m0 + ty, n0 + tx, m, n, activation);
        StoreRow(c, c10, c11, c12, c13, m0 + ty + 16, n0 + tx, m, n, activation);
        StoreRow(c, c20, c21, c22, c23, m0 + ty + 32, n0 + tx, m, n, activation);
        StoreRow(c, c30, c31, c32, c33, m0 + ty + 48, n0 + tx, m, n, activation);
    }

    private static void StoreRow(ArrayView<float> c, float v0, float v1, float v2, float v3, int row, int col, int m, int n, int activation)
    {
        if (row >= m) return;
        if (col < n) c[row * n + col] = Activate(v0, activation);
        if (col + 16 < n) c[row * n + col + 16] = Activate(v1, activation);
        if (col + 32 < n) c[row * n + col + 32] = Activate(v2, activation);
        if (col + 48 < n) c[row * n + col + 48] = Activate(v3, activation);
    }

    private static float Activate(float v, int activation) =>
        activation == 1 ? Math.Max(v, 0f) : activation == 2 ? Math.Min(Math.Max(v, 0f), 6f) : v;

    /// <summary>dot[i] = Σ_j a[i, j] · b[j] over int8 values packed four to an int (length words per row). Group 256.</summary>
    public static void Dp4aDot(ArrayView<int> a, ArrayView<int> b, ArrayView<int> dot, int rows, int words)
    {
        int row = Grid.GlobalIndex.X;
        if (row >= rows) return;
        int sum = 0;
        for (int w = 0; w < words; w++) sum = Dp4a(a[row * words + w], b[w], sum);
        dot[row] = sum;
    }

    /// <summary>Four signed byte products of <paramref name="x"/> and <paramref name="y"/> added to <paramref name="acc"/>: one IDP.4A on CUDA.</summary>
    private static int Dp4a(int x, int y, int acc)
    {
        if (CudaAsm.IsSupported)
        {
            CudaAsm.Emit("dp4a.s32.s32 %0, %1, %2, %3;", out int result, x, y, acc);
            return result;
        }
        for (int i = 0; i < 32; i += 8) acc += (sbyte)(x >> i) * (sbyte)(y >> i);
        return acc;
    }
}
