using System.Runtime.CompilerServices;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// The fp32 GEMM micro-kernel of the cpu conv tactic: a <see cref="Rows"/> × (2 vectors) tile of C kept in 12 registers,
/// one rank-1 update per k (two vector loads of X, six broadcasts of W, twelve FMAs). W comes packed in panels of
/// <see cref="Rows"/> rows, k-major (<see cref="PackPanels"/>), so the same packed copy serves every vector width.
/// </summary>
internal static unsafe class Fp32Gemm
{
    /// <summary>Rows of C per micro-tile (and per packed W panel).</summary>
    public const int Rows = 6;

    /// <summary>
    /// C[6, 2·width] (row stride <paramref name="cStride"/>) = (C if <paramref name="accumulate"/>) + W·X over
    /// <paramref name="depth"/> k: W a packed panel (6 floats per k), X rows of 2·width floats <paramref name="xStride"/> apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile<TS, TV>(float* w, float* x, int xStride, int depth, float* c, int cStride, bool accumulate)
        where TS : ISimd<TV> where TV : struct
    {
        int width = TS.Width;
        TV c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero, c40 = TS.Zero, c41 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero;
        for (int k = 0; k < depth; k++)
        {
            TV x0 = TS.Load(x), x1 = TS.Load(x + width);
            TV w0 = TS.Broadcast(w[0]);
            c00 = TS.Fma(w0, x0, c00); c01 = TS.Fma(w0, x1, c01);
            TV w1 = TS.Broadcast(w[1]);
            c10 = TS.Fma(w1, x0, c10); c11 = TS.Fma(w1, x1, c11);
            TV w2 = TS.Broadcast(w[2]);
            c20 = TS.Fma(w2, x0, c20); c21 = TS.Fma(w2, x1, c21);
            TV w3 = TS.Broadcast(w[3]);
            c30 = TS.Fma(w3, x0, c30); c31 = TS.Fma(w3, x1, c31);
            TV w4 = TS.Broadcast(w[4]);
            c40 = TS.Fma(w4, x0, c40); c41 = TS.Fma(w4, x1, c41);
            TV w5 = TS.Broadcast(w[5]);
            c50 = TS.Fma(w5, x0, c50); c51 = TS.Fma(w5, x1, c51);
            w += Rows;
            x += xStride;
        }
        StoreRow<TS, TV>(c, width, c00, c01, accumulate);
        StoreRow<TS, TV>(c + cStride, width, c10, c11, accumulate);
        StoreRow<TS, TV>(c + 2 * cStride, width, c20, c21, accumulate);
        StoreRow<TS, TV>(c + 3 * cStride, width, c30, c31, accumulate);
        StoreRow<TS, TV>(c + 4 * cStride, width, c40, c41, accumulate);
        StoreRow<TS, TV>(c + 5 * cStride, width, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TS, TV>(float* c, int width, TV v0, TV v1, bool accumulate) where TS : ISimd<TV> where TV : struct
    {
        if (accumulate)
        {
            v0 = TS.Add(v0, TS.Load(c));
            v1 = TS.Add(v1, TS.Load(c + width));
        }
        TS.Store(c, v0);
        TS.Store(c + width, v1);
    }

    /// <summary>
    /// Packs W [groups · rows, depth] (row-major, the conv weights as given) into panels of <see cref="Rows"/> rows:
    /// element (g, panel p, k, r) at ((g · panels + p) · depth + k) · Rows + r, rows past the group's end zero.
    /// </summary>
    public static float[] PackPanels(ReadOnlySpan<float> weight, int groups, int rows, int depth)
    {
        int panels = (rows + Rows - 1) / Rows;
        var packed = PackedWeights.Pinned<float>(groups * panels * depth * Rows);
        for (int g = 0; g < groups; g++)
            for (int p = 0; p < panels; p++)
                for (int r = 0; r < Rows; r++)
                {
                    int m = p * Rows + r;
                    if (m >= rows) continue;
                    var source = weight.Slice((g * rows + m) * depth, depth);
                    int at = (g * panels + p) * depth * Rows + r;
                    for (int k = 0; k < depth; k++) packed[at + k * Rows] = source[k];
                }
        return packed;
    }
}
