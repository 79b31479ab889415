using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// The channel conv's store: a [pixel][channel] scratch tile into NCHW rows of pixels. In 8 × 8 blocks with AVX where
/// the machine has it (a 16-channel conv does about as many FMAs per output as a scalar transposition does moves), the
/// edges element by element. A copy: exact on every path.
/// </summary>
internal static unsafe class Fp32TileTranspose
{
    /// <summary>
    /// target[c · targetStride + p] = source[p · sourceStride + c] for <paramref name="channels"/> × <paramref name="pixels"/>.
    /// </summary>
    public static void Store(float* source, int sourceStride, int channels, int pixels, float* target, long targetStride)
    {
        int c = 0;
        if (Avx.IsSupported)
            for (; c + 8 <= channels; c += 8)
            {
                int p = 0;
                for (; p + 8 <= pixels; p += 8) Block8(source + (long)p * sourceStride + c, sourceStride, target + c * targetStride + p, targetStride);
                for (; p < pixels; p++)
                    for (int i = 0; i < 8; i++) target[(c + i) * targetStride + p] = source[(long)p * sourceStride + c + i];
            }
        for (; c < channels; c++)
        {
            float* row = target + c * targetStride;
            for (int p = 0; p < pixels; p++) row[p] = source[(long)p * sourceStride + c];
        }
    }

    /// <summary>One 8 × 8 block: unpack pairs, shuffle quads, swap 128-bit halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block8(float* s, int stride, float* t, long tStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + stride), r2 = Avx.LoadVector256(s + 2 * stride);
        Vector256<float> r3 = Avx.LoadVector256(s + 3 * stride), r4 = Avx.LoadVector256(s + 4 * stride), r5 = Avx.LoadVector256(s + 5 * stride);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * stride), r7 = Avx.LoadVector256(s + 7 * stride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(t, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(t + tStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(t + 2 * tStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(t + 3 * tStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(t + 4 * tStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(t + 5 * tStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(t + 6 * tStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(t + 7 * tStride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
