using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// Register-blocked int8 GEMM micro-kernels: <see cref="Rows"/> (or 1) output channels × <see cref="Columns"/> output
/// pixels of int32 sums, kept in registers over the whole depth. One k step is one int32 lane per column of the packed
/// activations (4 u8 for VNNI, 2 int16 for AVX2: 4 bytes either way, so a step is 4·columns bytes) times one int32
/// of each weight row, broadcast. The sums go to <c>tile</c>, row-major [rows][Columns].
/// </summary>
internal static unsafe class Int8GemmMicroKernels
{
    /// <summary>Output pixels per micro-tile: two 8-lane int32 vectors.</summary>
    public const int Columns = 16;

    /// <summary>Output channels per full micro-tile.</summary>
    public const int Rows = 4;

    /// <summary>The tile's sums; <paramref name="a"/> is the tile's first column in step 0, <paramref name="aStep"/> bytes per step.</summary>
    public static void Run(Int8SimdPath path, int rows, byte* a, int aStep, byte* w, int wRow, int steps, int* tile)
    {
        if (path == Int8SimdPath.AvxVnni)
        {
            if (rows == Rows) Vnni4(a, aStep, w, wRow, steps, tile);
            else for (int r = 0; r < rows; r++) Vnni1(a, aStep, w + r * wRow, steps, tile + r * Columns);
        }
        else
        {
            if (rows == Rows) Madd4(a, aStep, w, wRow, steps, tile);
            else for (int r = 0; r < rows; r++) Madd1(a, aStep, w + r * wRow, steps, tile + r * Columns);
        }
    }

    private static void Vnni4(byte* a, int aStep, byte* w, int wRow, int steps, int* tile)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<int> c20 = default, c21 = default, c30 = default, c31 = default;
        byte* w1 = w + wRow, w2 = w1 + wRow, w3 = w2 + wRow;
        for (int s = 0; s < steps * 4; s += 4, a += aStep)
        {
            var x0 = Avx.LoadVector256(a);
            var x1 = Avx.LoadVector256(a + 32);
            var b = Vector256.Create(*(int*)(w + s)).AsSByte();
            c00 = AvxVnni.MultiplyWideningAndAdd(c00, x0, b);
            c01 = AvxVnni.MultiplyWideningAndAdd(c01, x1, b);
            b = Vector256.Create(*(int*)(w1 + s)).AsSByte();
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, x0, b);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, x1, b);
            b = Vector256.Create(*(int*)(w2 + s)).AsSByte();
            c20 = AvxVnni.MultiplyWideningAndAdd(c20, x0, b);
            c21 = AvxVnni.MultiplyWideningAndAdd(c21, x1, b);
            b = Vector256.Create(*(int*)(w3 + s)).AsSByte();
            c30 = AvxVnni.MultiplyWideningAndAdd(c30, x0, b);
            c31 = AvxVnni.MultiplyWideningAndAdd(c31, x1, b);
        }
        Store4(tile, c00, c01, c10, c11, c20, c21, c30, c31);
    }

    private static void Vnni1(byte* a, int aStep, byte* w, int steps, int* tile)
    {
        Vector256<int> c0 = default, c1 = default;
        for (int s = 0; s < steps * 4; s += 4, a += aStep)
        {
            var b = Vector256.Create(*(int*)(w + s)).AsSByte();
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, Avx.LoadVector256(a), b);
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, Avx.LoadVector256(a + 32), b);
        }
        Avx.Store(tile, c0);
        Avx.Store(tile + 8, c1);
    }

    private static void Madd4(byte* a, int aStep, byte* w, int wRow, int steps, int* tile)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<int> c20 = default, c21 = default, c30 = default, c31 = default;
        byte* w1 = w + wRow, w2 = w1 + wRow, w3 = w2 + wRow;
        for (int s = 0; s < steps * 4; s += 4, a += aStep)
        {
            var x0 = Avx.LoadVector256((short*)a);
            var x1 = Avx.LoadVector256((short*)(a + 32));
            var b = Vector256.Create(*(int*)(w + s)).AsInt16();
            c00 = Avx2.Add(c00, Avx2.MultiplyAddAdjacent(x0, b));
            c01 = Avx2.Add(c01, Avx2.MultiplyAddAdjacent(x1, b));
            b = Vector256.Create(*(int*)(w1 + s)).AsInt16();
            c10 = Avx2.Add(c10, Avx2.MultiplyAddAdjacent(x0, b));
            c11 = Avx2.Add(c11, Avx2.MultiplyAddAdjacent(x1, b));
            b = Vector256.Create(*(int*)(w2 + s)).AsInt16();
            c20 = Avx2.Add(c20, Avx2.MultiplyAddAdjacent(x0, b));
            c21 = Avx2.Add(c21, Avx2.MultiplyAddAdjacent(x1, b));
            b = Vector256.Create(*(int*)(w3 + s)).AsInt16();
            c30 = Avx2.Add(c30, Avx2.MultiplyAddAdjacent(x0, b));
            c31 = Avx2.Add(c31, Avx2.MultiplyAddAdjacent(x1, b));
        }
        Store4(tile, c00, c01, c10, c11, c20, c21, c30, c31);
    }

    private static void Madd1(byte* a, int aStep, byte* w, int steps, int* tile)
    {
        Vector256<int> c0 = default, c1 = default;
        for (int s = 0; s < steps * 4; s += 4, a += aStep)
        {
            var b = Vector256.Create(*(int*)(w + s)).AsInt16();
            c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(Avx.LoadVector256((short*)a), b));
            c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(Avx.LoadVector256((short*)(a + 32)), b));
        }
        Avx.Store(tile, c0);
        Avx.Store(tile + 8, c1);
    }

    private static void Store4(int* tile, Vector256<int> c00, Vector256<int> c01, Vector256<int> c10, Vector256<int> c11,
        Vector256<int> c20, Vector256<int> c21, Vector256<int> c30, Vector256<int> c31)
    {
        Avx.Store(tile, c00); Avx.Store(tile + 8, c01);
        Avx.Store(tile + 16, c10); Avx.Store(tile + 24, c11);
        Avx.Store(tile + 32, c20); Avx.Store(tile + 40, c21);
        Avx.Store(tile + 48, c30); Avx.Store(tile + 56, c31);
    }
}
