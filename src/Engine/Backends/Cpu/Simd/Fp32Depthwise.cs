using System.Runtime.Intrinsics;
using GpuEngine.Backends;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>The shape of a depthwise conv launch (the scalar arguments of DepthwiseConv2dKernels.DepthwiseConv2d, in order).</summary>
public readonly record struct Fp32DepthwiseShape(int Batch, int Channels, int Height, int Width, int KernelH, int KernelW, int StrideH, int StrideW,
    int PadH, int PadW, int DilationH, int DilationW, int OutH, int OutW, bool HasBias, int Activation)
{
    /// <summary>Reads the scalars from a depthwise launch's arguments (indices 4 to 19).</summary>
    public static Fp32DepthwiseShape FromArguments(KernelArgument[] a)
    {
        int I(int i) => a[i].ScalarBits;
        return new(I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), I(12), I(13), I(14), I(15), I(16), I(17), I(18) != 0, I(19));
    }

    /// <summary>Rows and columns of one zero-padded input plane.</summary>
    public int PaddedH => Height + 2 * PadH;
    public int PaddedW => Width + 2 * PadW;
}

/// <summary>
/// Depthwise conv on the cpu, one job per (image, channel) plane: the plane is copied into a zero-padded per-thread
/// buffer (so no tap tests bounds; stride 2 rows split into even then odd columns, so a tap's inputs for consecutive
/// outputs are consecutive floats), then each output row runs in vectors, one broadcast weight and one unaligned load
/// per tap; a row that is not a whole number of vectors ends with one vector overlapping the one before. 3x3 keeps
/// its nine weights in registers. Strides above 2 run a scalar loop. Bandwidth-bound: nothing to pack.
/// </summary>
public sealed unsafe partial class Fp32Depthwise(Fp32DepthwiseShape shape, float* input, float* weight, float* bias, float* output, object[] keep) : CpuTacticRun
{
    [ThreadStatic] private static float[]? t_plane;
    private SimdLevel _level;

    public override void Execute()
    {
        // Take the widest vector that fits in an output row (narrower rows would run scalar).
        _level = CpuSimd.Level;
        while (_level > SimdLevel.Vector128 && Width(_level) > shape.OutW) _level--;
        GC.KeepAlive(keep);
        // Each MAC counts 4 against the threshold, as the int8 depthwise does: little work per byte moved.
        RunJobs(shape.Batch * shape.Channels, (long)shape.Batch * shape.Channels * shape.OutH * shape.OutW * shape.KernelH * shape.KernelW * 4);
    }

    private static int Width(SimdLevel level) => level switch { SimdLevel.Vector512 => 16, SimdLevel.Vector256 => 8, SimdLevel.Vector128 => 4, _ => 1 };

    public override void Run(int index)
    {
        switch (_level)
        {
            case SimdLevel.Vector512: Plane<Simd512, Vector512<float>>(index); break;
            case SimdLevel.Vector256: Plane<Simd256, Vector256<float>>(index); break;
            case SimdLevel.Vector128: Plane<Simd128, Vector128<float>>(index); break;
            default: Plane<SimdScalar, float>(index); break;
        }
    }

    private void Plane<TS, TV>(int plane) where TS : ISimd<TV> where TV : struct
    {
        var s = shape;
        int c = plane % s.Channels, pw = s.PaddedW;
        int need = s.PaddedH * pw + pw;
        if (t_plane is null || t_plane.Length < need) t_plane = PackedWeights.Pinned<float>(Math.Max(need, 4096));
        float* w = weight + (long)c * s.KernelH * s.KernelW;
        float b = s.HasBias ? bias[c] : 0f;
        float* dst = output + (long)plane * s.OutH * s.OutW;
        bool split = s.StrideW == 2;
        int half = (pw + 1) / 2;
        bool vectors = s.StrideW <= 2 && s.OutW >= TS.Width;
        fixed (float* padded = t_plane)
        {
            Pad(input + (long)plane * s.Height * s.Width, padded, padded + s.PaddedH * pw, split, _level != SimdLevel.Scalar);
            if (vectors && s.KernelH == 3 && s.KernelW == 3)
                Rows3x3<TS, TV>(padded, w, b, dst, split, half);
            else if (vectors)
                for (int oy = 0; oy < s.OutH; oy++)
                {
                    float* row = padded + (long)oy * s.StrideH * pw;
                    for (int ox = 0; ; ox += TS.Width)
                    {
                        ox = Math.Min(ox, s.OutW - TS.Width);
                        var acc = TS.Broadcast(b);
                        for (int ky = 0; ky < s.KernelH; ky++)
                        {
                            float* r = row + (long)ky * s.DilationH * pw + ox;
                            for (int kx = 0; kx < s.KernelW; kx++)
                                acc = TS.Fma(TS.Broadcast(w[ky * s.KernelW + kx]), TS.Load(r + Column(kx * s.DilationW, split, half)), acc);
                        }
                        TS.Store(dst + (long)oy * s.OutW + ox, SimdActivation.Apply<TS, TV>(acc, s.Activation));
                        if (ox == s.OutW - TS.Width) break;
                    }
                }
            else
                ScalarRows(padded, w, b, dst, split, half);
        }
    }

    /// <summary>3x3 taps with the nine weights held in vectors; the last vector of a row overlaps the one before.</summary>
    private void Rows3x3<TS, TV>(float* padded, float* w, float b, float* dst, bool split, int half) where TS : ISimd<TV> where TV : struct
    {
        var s = shape;
        int pw = s.PaddedW, last = s.OutW - TS.Width, act = s.Activation;
        long dy = (long)s.DilationH * pw;
        int c1 = Column(s.DilationW, split, half), c2 = Column(2 * s.DilationW, split, half);
        TV w0 = TS.Broadcast(w[0]), w1 = TS.Broadcast(w[1]), w2 = TS.Broadcast(w[2]);
        TV w3 = TS.Broadcast(w[3]), w4 = TS.Broadcast(w[4]), w5 = TS.Broadcast(w[5]);
        TV w6 = TS.Broadcast(w[6]), w7 = TS.Broadcast(w[7]), w8 = TS.Broadcast(w[8]);
        TV vb = TS.Broadcast(b);
        for (int oy = 0; oy < s.OutH; oy++)
        {
            float* r0 = padded + (long)oy * s.StrideH * pw, r1 = r0 + dy, r2 = r1 + dy;
            float* o = dst + (long)oy * s.OutW;
            for (int ox = 0; ; ox += TS.Width)
            {
                if (ox > last) ox = last;
                var a = TS.Fma(w0, TS.Load(r0 + ox), vb);
                var m = TS.Fma(w1, TS.Load(r0 + ox + c1), TS.Zero);
                var z = TS.Fma(w2, TS.Load(r0 + ox + c2), TS.Zero);
                a = TS.Fma(w3, TS.Load(r1 + ox), a);
                m = TS.Fma(w4, TS.Load(r1 + ox + c1), m);
                z = TS.Fma(w5, TS.Load(r1 + ox + c2), z);
                a = TS.Fma(w6, TS.Load(r2 + ox), a);
                m = TS.Fma(w7, TS.Load(r2 + ox + c1), m);
                z = TS.Fma(w8, TS.Load(r2 + ox + c2), z);
                TS.Store(o + ox, SimdActivation.Apply<TS, TV>(TS.Add(a, TS.Add(m, z)), act));
                if (ox == last) break;
            }
        }
    }

    /// <summary>Any stride, one output at a time (strides above 2, or rows narrower than a vector).</summary>
    private void ScalarRows(float* padded, float* w, float b, float* dst, bool split, int half)
    {
        var s = shape;
        int pw = s.PaddedW;
        for (int oy = 0; oy < s.OutH; oy++)
        {
            float* row = padded + (long)oy * s.StrideH * pw;
            float* o = dst + (long)oy * s.OutW;
            for (int ox = 0; ox < s.OutW; ox++)
            {
                float acc = b;
                for (int ky = 0; ky < s.KernelH; ky++)
                {
                    float* r = row + (long)ky * s.DilationH * pw;
                    for (int kx = 0; kx < s.KernelW; kx++)
                        acc = MathF.FusedMultiplyAdd(w[ky * s.KernelW + kx], r[Column(ox * s.StrideW + kx * s.DilationW, split, half)], acc);
                }
                o[ox] = GpuEngine.Kernels.Ops.FusedActivation.Apply(acc, s.Activation);
            }
        }
    }

    /// <summary>
    /// Where padded column <paramref name="c"/> sits in its row: itself, or in a split row (evens, then odds from
    /// <paramref name="half"/>). In a split row, output ox's tap at offset c is at ox + Column(c) for every ox.
    /// </summary>
    private static int Column(int c, bool split, int half) => !split ? c : (c & 1) == 0 ? c >> 1 : half + (c >> 1);
}
