using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuEngine.Backends.Cpu.Simd;

public sealed unsafe partial class Fp32Depthwise
{
    /// <summary>
    /// The input plane surrounded by PadH / PadW zeros. With <paramref name="split"/> (stride 2), each row is first
    /// padded into <paramref name="rowScratch"/> and then stored as its even columns followed by its odd ones.
    /// </summary>
    private void Pad(float* source, float* padded, float* rowScratch, bool split, bool useVectors)
    {
        var s = shape;
        int pw = s.PaddedW;
        new Span<float>(padded, s.PadH * pw).Clear();
        new Span<float>(padded + (long)(s.PadH + s.Height) * pw, s.PadH * pw).Clear();
        for (int y = 0; y < s.Height; y++)
        {
            float* r = padded + (long)(y + s.PadH) * pw;
            float* target = split ? rowScratch : r;
            new Span<float>(target, s.PadW).Clear();
            new ReadOnlySpan<float>(source + (long)y * s.Width, s.Width).CopyTo(new Span<float>(target + s.PadW, s.Width));
            new Span<float>(target + s.PadW + s.Width, s.PadW).Clear();
            if (split) Deinterleave(rowScratch, r, pw, useVectors);
        }
    }

    /// <summary>Writes <paramref name="count"/> floats as the even-indexed ones, then (from (count + 1) / 2) the odd-indexed ones.</summary>
    private static void Deinterleave(float* from, float* to, int count, bool useVectors)
    {
        int half = (count + 1) / 2, i = 0;
        if (useVectors && Sse.IsSupported)
            // Eight floats a step: two shuffles pick the evens and the odds of a pair of 4-float vectors.
            for (; i + 8 <= count; i += 8)
            {
                Vector128<float> a = Sse.LoadVector128(from + i), b = Sse.LoadVector128(from + i + 4);
                Sse.Store(to + i / 2, Sse.Shuffle(a, b, 0b10_00_10_00));
                Sse.Store(to + half + i / 2, Sse.Shuffle(a, b, 0b11_01_11_01));
            }
        for (; i + 1 < count; i += 2)
        {
            to[i / 2] = from[i];
            to[half + i / 2] = from[i + 1];
        }
        if (i < count) to[i / 2] = from[i];
    }
}
