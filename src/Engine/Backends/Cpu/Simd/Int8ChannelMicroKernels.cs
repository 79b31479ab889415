using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// Int8 direct-conv micro-kernels vectorized over output channels: <see cref="Pixels"/> output pixels (broadcast
/// side) × <see cref="Channels"/> output channels (two 8-lane int32 vectors of weights), 12 accumulators kept in
/// registers over the whole depth. A k step is 4 bytes of a pixel's input (4 u8 for VNNI, 2 int16 for AVX2) at
/// <c>pixel + offsets[step]</c>, times 64 bytes of packed weights (16 channels × 4 bytes). No im2col: the pixels read
/// a padded channels-last copy of the input straight through the per-step offsets. Sums go to <c>tile</c>, [Pixels][Channels].
/// </summary>
internal static unsafe class Int8ChannelMicroKernels
{
    /// <summary>Output pixels per micro-tile (the broadcast side).</summary>
    public const int Pixels = 6;

    /// <summary>Output channels per micro-tile: two int32 vectors.</summary>
    public const int Channels = 16;

    /// <summary>The tile's sums; <paramref name="px"/> holds <see cref="Pixels"/> pixel base pointers (repeat the last for a short tile).</summary>
    public static void Run(Int8SimdPath path, byte** px, int* offsets, int steps, byte* w, int* tile)
    {
        if (path == Int8SimdPath.AvxVnni) Vnni(px, offsets, steps, w, tile);
        else Madd(px, offsets, steps, w, tile);
    }

    private static void Vnni(byte** px, int* offsets, int steps, byte* w, int* tile)
    {
        byte* p0 = px[0], p1 = px[1], p2 = px[2], p3 = px[3], p4 = px[4], p5 = px[5];
        Vector256<int> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default;
        Vector256<int> a3 = default, b3 = default, a4 = default, b4 = default, a5 = default, b5 = default;
        for (int s = 0; s < steps; s++, w += 64)
        {
            int o = offsets[s];
            var w0 = Avx.LoadVector256((sbyte*)w);
            var w1 = Avx.LoadVector256((sbyte*)w + 32);
            var x = Vector256.Create(*(int*)(p0 + o)).AsByte();
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, x, w0);
            b0 = AvxVnni.MultiplyWideningAndAdd(b0, x, w1);
            x = Vector256.Create(*(int*)(p1 + o)).AsByte();
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, x, w0);
            b1 = AvxVnni.MultiplyWideningAndAdd(b1, x, w1);
            x = Vector256.Create(*(int*)(p2 + o)).AsByte();
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, x, w0);
            b2 = AvxVnni.MultiplyWideningAndAdd(b2, x, w1);
            x = Vector256.Create(*(int*)(p3 + o)).AsByte();
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, x, w0);
            b3 = AvxVnni.MultiplyWideningAndAdd(b3, x, w1);
            x = Vector256.Create(*(int*)(p4 + o)).AsByte();
            a4 = AvxVnni.MultiplyWideningAndAdd(a4, x, w0);
            b4 = AvxVnni.MultiplyWideningAndAdd(b4, x, w1);
            x = Vector256.Create(*(int*)(p5 + o)).AsByte();
            a5 = AvxVnni.MultiplyWideningAndAdd(a5, x, w0);
            b5 = AvxVnni.MultiplyWideningAndAdd(b5, x, w1);
        }
        Store(tile, a0, b0, a1, b1, a2, b2, a3, b3, a4, b4, a5, b5);
    }

    private static void Madd(byte** px, int* offsets, int steps, byte* w, int* tile)
    {
        byte* p0 = px[0], p1 = px[1], p2 = px[2], p3 = px[3], p4 = px[4], p5 = px[5];
        Vector256<int> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default;
        Vector256<int> a3 = default, b3 = default, a4 = default, b4 = default, a5 = default, b5 = default;
        for (int s = 0; s < steps; s++, w += 64)
        {
            int o = offsets[s];
            var w0 = Avx.LoadVector256((short*)w);
            var w1 = Avx.LoadVector256((short*)(w + 32));
            var x = Vector256.Create(*(int*)(p0 + o)).AsInt16();
            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(x, w0));
            b0 = Avx2.Add(b0, Avx2.MultiplyAddAdjacent(x, w1));
            x = Vector256.Create(*(int*)(p1 + o)).AsInt16();
            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(x, w0));
            b1 = Avx2.Add(b1, Avx2.MultiplyAddAdjacent(x, w1));
            x = Vector256.Create(*(int*)(p2 + o)).AsInt16();
            a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(x, w0));
            b2 = Avx2.Add(b2, Avx2.MultiplyAddAdjacent(x, w1));
            x = Vector256.Create(*(int*)(p3 + o)).AsInt16();
            a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(x, w0));
            b3 = Avx2.Add(b3, Avx2.MultiplyAddAdjacent(x, w1));
            x = Vector256.Create(*(int*)(p4 + o)).AsInt16();
            a4 = Avx2.Add(a4, Avx2.MultiplyAddAdjacent(x, w0));
            b4 = Avx2.Add(b4, Avx2.MultiplyAddAdjacent(x, w1));
            x = Vector256.Create(*(int*)(p5 + o)).AsInt16();
            a5 = Avx2.Add(a5, Avx2.MultiplyAddAdjacent(x, w0));
            b5 = Avx2.Add(b5, Avx2.MultiplyAddAdjacent(x, w1));
        }
        Store(tile, a0, b0, a1, b1, a2, b2, a3, b3, a4, b4, a5, b5);
    }

    private static void Store(int* t, Vector256<int> a0, Vector256<int> b0, Vector256<int> a1, Vector256<int> b1,
        Vector256<int> a2, Vector256<int> b2, Vector256<int> a3, Vector256<int> b3, Vector256<int> a4, Vector256<int> b4,
        Vector256<int> a5, Vector256<int> b5)
    {
        Avx.Store(t, a0); Avx.Store(t + 8, b0);
        Avx.Store(t + 16, a1); Avx.Store(t + 24, b1);
        Avx.Store(t + 32, a2); Avx.Store(t + 40, b2);
        Avx.Store(t + 48, a3); Avx.Store(t + 56, b3);
        Avx.Store(t + 64, a4); Avx.Store(t + 72, b4);
        Avx.Store(t + 80, a5); Avx.Store(t + 88, b5);
    }
}
