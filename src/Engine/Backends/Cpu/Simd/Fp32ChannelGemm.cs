using System.Runtime.CompilerServices;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// The micro-kernels of <see cref="Fp32ChannelConv"/>, vectorized along output channels: a tile of <see cref="Pixels"/>
/// output pixels × 1, 2, 3 or 4 vectors of channels kept in registers (6 × 4 = 24 accumulators, 29 of AVX-512's 32
/// registers with the weight vectors and the broadcast). Per k: the channel vectors of W loaded once, one input value per
/// pixel broadcast from <c>pixel base + offsets[k]</c> (the conv read straight from the padded input, no im2col), one
/// FMA per accumulator. The tile goes to scratch as [pixel][channel] rows with the bias added and the activation applied.
/// </summary>
internal static unsafe class Fp32ChannelGemm
{
    /// <summary>Output pixels per micro-tile.</summary>
    public const int Pixels = 6;

    /// <summary>
    /// out[i, 0 .. 4·width] = act(bias + Σ_k W[k, ·] · p_i[offsets[k]]) for the six pixel bases p0..p5, W rows
    /// <paramref name="wStride"/> floats apart, out rows <paramref name="outStride"/> apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile4<TS, TV>(float* w, int wStride, int* offsets, int depth, float* p0, float* p1, float* p2, float* p3, float* p4,
        float* p5, float* bias, int activation, float* output, int outStride) where TS : ISimd<TV> where TV : struct
    {
        int width = TS.Width;
        TV c00 = TS.Zero, c01 = TS.Zero, c02 = TS.Zero, c03 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c12 = TS.Zero, c13 = TS.Zero;
        TV c20 = TS.Zero, c21 = TS.Zero, c22 = TS.Zero, c23 = TS.Zero, c30 = TS.Zero, c31 = TS.Zero, c32 = TS.Zero, c33 = TS.Zero;
        TV c40 = TS.Zero, c41 = TS.Zero, c42 = TS.Zero, c43 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero, c52 = TS.Zero, c53 = TS.Zero;
        for (int k = 0; k < depth; k++)
        {
            int o = offsets[k];
            TV w0 = TS.Load(w), w1 = TS.Load(w + width), w2 = TS.Load(w + 2 * width), w3 = TS.Load(w + 3 * width);
            TV x = TS.Broadcast(p0[o]);
            c00 = TS.Fma(x, w0, c00); c01 = TS.Fma(x, w1, c01); c02 = TS.Fma(x, w2, c02); c03 = TS.Fma(x, w3, c03);
            x = TS.Broadcast(p1[o]);
            c10 = TS.Fma(x, w0, c10); c11 = TS.Fma(x, w1, c11); c12 = TS.Fma(x, w2, c12); c13 = TS.Fma(x, w3, c13);
            x = TS.Broadcast(p2[o]);
            c20 = TS.Fma(x, w0, c20); c21 = TS.Fma(x, w1, c21); c22 = TS.Fma(x, w2, c22); c23 = TS.Fma(x, w3, c23);
            x = TS.Broadcast(p3[o]);
            c30 = TS.Fma(x, w0, c30); c31 = TS.Fma(x, w1, c31); c32 = TS.Fma(x, w2, c32); c33 = TS.Fma(x, w3, c33);
            x = TS.Broadcast(p4[o]);
            c40 = TS.Fma(x, w0, c40); c41 = TS.Fma(x, w1, c41); c42 = TS.Fma(x, w2, c42); c43 = TS.Fma(x, w3, c43);
            x = TS.Broadcast(p5[o]);
            c50 = TS.Fma(x, w0, c50); c51 = TS.Fma(x, w1, c51); c52 = TS.Fma(x, w2, c52); c53 = TS.Fma(x, w3, c53);
            w += wStride;
        }
        TV b0 = TS.Load(bias), b1 = TS.Load(bias + width), b2 = TS.Load(bias + 2 * width), b3 = TS.Load(bias + 3 * width);
        Row4<TS, TV>(output, width, activation, c00, c01, c02, c03, b0, b1, b2, b3);
        Row4<TS, TV>(output + outStride, width, activation, c10, c11, c12, c13, b0, b1, b2, b3);
        Row4<TS, TV>(output + 2 * outStride, width, activation, c20, c21, c22, c23, b0, b1, b2, b3);
        Row4<TS, TV>(output + 3 * outStride, width, activation, c30, c31, c32, c33, b0, b1, b2, b3);
        Row4<TS, TV>(output + 4 * outStride, width, activation, c40, c41, c42, c43, b0, b1, b2, b3);
        Row4<TS, TV>(output + 5 * outStride, width, activation, c50, c51, c52, c53, b0, b1, b2, b3);
    }

    /// <summary>
    /// As <see cref="Tile4{TS, TV}"/> for two pixels (8 accumulators): a map's last 1 to 5 pixels take one to three of
    /// these instead of a whole 6-pixel tile (a 7×7 map's 49th pixel would otherwise cost a sixth of the map).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile4Pair<TS, TV>(float* w, int wStride, int* offsets, int depth, float* p0, float* p1, float* bias, int activation,
        float* output, int outStride) where TS : ISimd<TV> where TV : struct
    {
        int width = TS.Width;
        TV c00 = TS.Zero, c01 = TS.Zero, c02 = TS.Zero, c03 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c12 = TS.Zero, c13 = TS.Zero;
        for (int k = 0; k < depth; k++)
        {
            int o = offsets[k];
            TV w0 = TS.Load(w), w1 = TS.Load(w + width), w2 = TS.Load(w + 2 * width), w3 = TS.Load(w + 3 * width);
            TV x = TS.Broadcast(p0[o]);
            c00 = TS.Fma(x, w0, c00); c01 = TS.Fma(x, w1, c01); c02 = TS.Fma(x, w2, c02); c03 = TS.Fma(x, w3, c03);
            x = TS.Broadcast(p1[o]);
            c10 = TS.Fma(x, w0, c10); c11 = TS.Fma(x, w1, c11); c12 = TS.Fma(x, w2, c12); c13 = TS.Fma(x, w3, c13);
            w += wStride;
        }
        TV b0 = TS.Load(bias), b1 = TS.Load(bias + width), b2 = TS.Load(bias + 2 * width), b3 = TS.Load(bias + 3 * width);
        Row4<TS, TV>(output, width, activation, c00, c01, c02, c03, b0, b1, b2, b3);
        Row4<TS, TV>(output + outStride, width, activation, c10, c11, c12, c13, b0, b1, b2, b3);
    }

    /// <summary>As <see cref="Tile4{TS, TV}"/> with 3 vectors of channels (18 accumulators: a 48-channel slice on AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile3<TS, TV>(float* w, int wStride, int* offsets, int depth, float* p0, float* p1, float* p2, float* p3, float* p4,
        float* p5, float* bias, int activation, float* output, int outStride) where TS : ISimd<TV> where TV : struct
    {
        int width = TS.Width;
        TV c00 = TS.Zero, c01 = TS.Zero, c02 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c12 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero, c22 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero, c32 = TS.Zero, c40 = TS.Zero, c41 = TS.Zero, c42 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero, c52 = TS.Zero;
        for (int k = 0; k < depth; k++)
        {
            int o = offsets[k];
            TV w0 = TS.Load(w), w1 = TS.Load(w + width), w2 = TS.Load(w + 2 * width);
            TV x = TS.Broadcast(p0[o]);
            c00 = TS.Fma(x, w0, c00); c01 = TS.Fma(x, w1, c01); c02 = TS.Fma(x, w2, c02);
            x = TS.Broadcast(p1[o]);
            c10 = TS.Fma(x, w0, c10); c11 = TS.Fma(x, w1, c11); c12 = TS.Fma(x, w2, c12);
            x = TS.Broadcast(p2[o]);
            c20 = TS.Fma(x, w0, c20); c21 = TS.Fma(x, w1, c21); c22 = TS.Fma(x, w2, c22);
            x = TS.Broadcast(p3[o]);
            c30 = TS.Fma(x, w0, c30); c31 = TS.Fma(x, w1, c31); c32 = TS.Fma(x, w2, c32);
            x = TS.Broadcast(p4[o]);
            c40 = TS.Fma(x, w0, c40); c41 = TS.Fma(x, w1, c41); c42 = TS.Fma(x, w2, c42);
            x = TS.Broadcast(p5[o]);
            c50 = TS.Fma(x, w0, c50); c51 = TS.Fma(x, w1, c51); c52 = TS.Fma(x, w2, c52);
            w += wStride;
        }
        TV b0 = TS.Load(bias), b1 = TS.Load(bias + width), b2 = TS.Load(bias + 2 * width);
        Row3<TS, TV>(output, width, activation, c00, c01, c02, b0, b1, b2);
        Row3<TS, TV>(output + outStride, width, activation, c10, c11, c12, b0, b1, b2);
        Row3<TS, TV>(output + 2 * outStride, width, activation, c20, c21, c22, b0, b1, b2);
        Row3<TS, TV>(output + 3 * outStride, width, activation, c30, c31, c32, b0, b1, b2);
        Row3<TS, TV>(output + 4 * outStride, width, activation, c40, c41, c42, b0, b1, b2);
        Row3<TS, TV>(output + 5 * outStride, width, activation, c50, c51, c52, b0, b1, b2);
    }

    /// <summary>As <see cref="Tile4{TS, TV}"/> with 2 vectors of channels (12 accumulators: fits 16-register AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile2<TS, TV>(float* w, int wStride, int* offsets, int depth, float* p0, float* p1, float* p2, float* p3, float* p4,
        float* p5, float* bias, int activation, float* output, int outStride) where TS : ISimd<TV> where TV : struct
    {
        int width = TS.Width;
        TV c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero, c40 = TS.Zero, c41 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero;
        for (int k = 0; k < depth; k++)
        {
            int o = offsets[k];
            TV w0 = TS.Load(w), w1 = TS.Load(w + width);
            TV x = TS.Broadcast(p0[o]);
            c00 = TS.Fma(x, w0, c00); c01 = TS.Fma(x, w1, c01);
            x = TS.Broadcast(p1[o]);
            c10 = TS.Fma(x, w0, c10); c11 = TS.Fma(x, w1, c11);
            x = TS.Broadcast(p2[o]);
            c20 = TS.Fma(x, w0, c20); c21 = TS.Fma(x, w1, c21);
            x = TS.Broadcast(p3[o]);
            c30 = TS.Fma(x, w0, c30); c31 = TS.Fma(x, w1, c31);
            x = TS.Broadcast(p4[o]);
            c40 = TS.Fma(x, w0, c40); c41 = TS.Fma(x, w1, c41);
            x = TS.Broadcast(p5[o]);
            c50 = TS.Fma(x, w0, c50); c51 = TS.Fma(x, w1, c51);
            w += wStride;
        }
        TV b0 = TS.Load(bias), b1 = TS.Load(bias + width);
        Row2<TS, TV>(output, width, activation, c00, c01, b0, b1);
        Row2<TS, TV>(output + outStride, width, activation, c10, c11, b0, b1);
        Row2<TS, TV>(output + 2 * outStride, width, activation, c20, c21, b0, b1);
        Row2<TS, TV>(output + 3 * outStride, width, activation, c30, c31, b0, b1);
        Row2<TS, TV>(output + 4 * outStride, width, activation, c40, c41, b0, b1);
        Row2<TS, TV>(output + 5 * outStride, width, activation, c50, c51, b0, b1);
    }

    /// <summary>
    /// As <see cref="Tile4{TS, TV}"/> with 1 vector of channels (a 16-channel conv on AVX-512): even and odd k go to two
    /// sets of 6 accumulators, so 12 FMA chains hide the FMA latency where 6 would not.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile1<TS, TV>(float* w, int wStride, int* offsets, int depth, float* p0, float* p1, float* p2, float* p3, float* p4,
        float* p5, float* bias, int activation, float* output, int outStride) where TS : ISimd<TV> where TV : struct
    {
        TV c0 = TS.Zero, c1 = TS.Zero, c2 = TS.Zero, c3 = TS.Zero, c4 = TS.Zero, c5 = TS.Zero;
        TV d0 = TS.Zero, d1 = TS.Zero, d2 = TS.Zero, d3 = TS.Zero, d4 = TS.Zero, d5 = TS.Zero;
        int k = 0;
        for (; k + 1 < depth; k += 2)
        {
            int o = offsets[k], q = offsets[k + 1];
            TV w0 = TS.Load(w), w1 = TS.Load(w + wStride);
            c0 = TS.Fma(TS.Broadcast(p0[o]), w0, c0);
            c1 = TS.Fma(TS.Broadcast(p1[o]), w0, c1);
            c2 = TS.Fma(TS.Broadcast(p2[o]), w0, c2);
            c3 = TS.Fma(TS.Broadcast(p3[o]), w0, c3);
            c4 = TS.Fma(TS.Broadcast(p4[o]), w0, c4);
            c5 = TS.Fma(TS.Broadcast(p5[o]), w0, c5);
            d0 = TS.Fma(TS.Broadcast(p0[q]), w1, d0);
            d1 = TS.Fma(TS.Broadcast(p1[q]), w1, d1);
            d2 = TS.Fma(TS.Broadcast(p2[q]), w1, d2);
            d3 = TS.Fma(TS.Broadcast(p3[q]), w1, d3);
            d4 = TS.Fma(TS.Broadcast(p4[q]), w1, d4);
            d5 = TS.Fma(TS.Broadcast(p5[q]), w1, d5);
            w += 2 * wStride;
        }
        if (k < depth)
        {
            int o = offsets[k];
            TV w0 = TS.Load(w);
            c0 = TS.Fma(TS.Broadcast(p0[o]), w0, c0);
            c1 = TS.Fma(TS.Broadcast(p1[o]), w0, c1);
            c2 = TS.Fma(TS.Broadcast(p2[o]), w0, c2);
            c3 = TS.Fma(TS.Broadcast(p3[o]), w0, c3);
            c4 = TS.Fma(TS.Broadcast(p4[o]), w0, c4);
            c5 = TS.Fma(TS.Broadcast(p5[o]), w0, c5);
        }
        TV b = TS.Load(bias);
        TS.Store(output, SimdActivation.Apply<TS, TV>(TS.Add(TS.Add(c0, d0), b), activation));
        TS.Store(output + outStride, SimdActivation.Apply<TS, TV>(TS.Add(TS.Add(c1, d1), b), activation));
        TS.Store(output + 2 * outStride, SimdActivation.Apply<TS, TV>(TS.Add(TS.Add(c2, d2), b), activation));
        TS.Store(output + 3 * outStride, SimdActivation.Apply<TS, TV>(TS.Add(TS.Add(c3, d3), b), activation));
        TS.Store(output + 4 * outStride, SimdActivation.Apply<TS, TV>(TS.Add(TS.Add(c4, d4), b), activation));
        TS.Store(output + 5 * outStride, SimdActivation.Apply<TS, TV>(TS.Add(TS.Add(c5, d5), b), activation));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row4<TS, TV>(float* o, int width, int activation, TV v0, TV v1, TV v2, TV v3, TV b0, TV b1, TV b2, TV b3)
        where TS : ISimd<TV> where TV : struct
    {
        TS.Store(o, SimdActivation.Apply<TS, TV>(TS.Add(v0, b0), activation));
        TS.Store(o + width, SimdActivation.Apply<TS, TV>(TS.Add(v1, b1), activation));
        TS.Store(o + 2 * width, SimdActivation.Apply<TS, TV>(TS.Add(v2, b2), activation));
        TS.Store(o + 3 * width, SimdActivation.Apply<TS, TV>(TS.Add(v3, b3), activation));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row3<TS, TV>(float* o, int width, int activation, TV v0, TV v1, TV v2, TV b0, TV b1, TV b2) where TS : ISimd<TV> where TV : struct
    {
        TS.Store(o, SimdActivation.Apply<TS, TV>(TS.Add(v0, b0), activation));
        TS.Store(o + width, SimdActivation.Apply<TS, TV>(TS.Add(v1, b1), activation));
        TS.Store(o + 2 * width, SimdActivation.Apply<TS, TV>(TS.Add(v2, b2), activation));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row2<TS, TV>(float* o, int width, int activation, TV v0, TV v1, TV b0, TV b1) where TS : ISimd<TV> where TV : struct
    {
        TS.Store(o, SimdActivation.Apply<TS, TV>(TS.Add(v0, b0), activation));
        TS.Store(o + width, SimdActivation.Apply<TS, TV>(TS.Add(v1, b1), activation));
    }
}
