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
/// buffer (so no tap tests bounds), then stride-1 layers run vectors along the output row (one broadcast weight and
/// one unaligned load per tap) and other strides a scalar loop. Bandwidth-bound: nothing to pack.
/// </summary>
public sealed unsafe class Fp32Depthwise(Fp32DepthwiseShape shape, float* input, float* weight, float* bias, float* output, object[] keep) : CpuTacticRun
{
    [ThreadStatic] private static float[]? t_plane;
    private SimdLevel _level;

    public override void Execute()
    {
        _level = CpuSimd.Level;
        GC.KeepAlive(keep);
        RunJobs(shape.Batch * shape.Channels, (long)shape.Batch * shape.Channels * shape.OutH * shape.OutW * shape.KernelH * shape.KernelW * 4);
    }

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
        int need = s.PaddedH * pw;
        if (t_plane is null || t_plane.Length < need) t_plane = PackedWeights.Pinned<float>(Math.Max(need, 4096));
        float* w = weight + (long)c * s.KernelH * s.KernelW;
        float b = s.HasBias ? bias[c] : 0f;
        float* dst = output + (long)plane * s.OutH * s.OutW;
        fixed (float* padded = t_plane)
        {
            Pad(input + (long)plane * s.Height * s.Width, padded);
            for (int oy = 0; oy < s.OutH; oy++)
            {
                float* row = padded + (long)oy * s.StrideH * pw;
                float* o = dst + (long)oy * s.OutW;
                int ox = 0;
                if (s.StrideW == 1)
                    for (; ox + TS.Width <= s.OutW; ox += TS.Width)
                    {
                        var acc = TS.Broadcast(b);
                        for (int ky = 0; ky < s.KernelH; ky++)
                        {
                            float* r = row + (long)ky * s.DilationH * pw + ox;
                            for (int kx = 0; kx < s.KernelW; kx++) acc = TS.Fma(TS.Broadcast(w[ky * s.KernelW + kx]), TS.Load(r + kx * s.DilationW), acc);
                        }
                        TS.Store(o + ox, SimdActivation.Apply<TS, TV>(acc, s.Activation));
                    }
                for (; ox < s.OutW; ox++)
                {
                    float acc = b;
                    for (int ky = 0; ky < s.KernelH; ky++)
                    {
                        float* r = row + (long)ky * s.DilationH * pw + ox * s.StrideW;
                        for (int kx = 0; kx < s.KernelW; kx++) acc = MathF.FusedMultiplyAdd(w[ky * s.KernelW + kx], r[kx * s.DilationW], acc);
                    }
                    o[ox] = GpuEngine.Kernels.Ops.FusedActivation.Apply(acc, s.Activation);
                }
            }
        }
    }

    /// <summary>The input plane surrounded by PadH / PadW zeros.</summary>
    private void Pad(float* source, float* padded)
    {
        var s = shape;
        int pw = s.PaddedW;
        new Span<float>(padded, s.PadH * pw).Clear();
        new Span<float>(padded + (long)(s.PadH + s.Height) * pw, s.PadH * pw).Clear();
        for (int y = 0; y < s.Height; y++)
        {
            float* r = padded + (long)(y + s.PadH) * pw;
            new Span<float>(r, s.PadW).Clear();
            new ReadOnlySpan<float>(source + (long)y * s.Width, s.Width).CopyTo(new Span<float>(r + s.PadW, s.Width));
            new Span<float>(r + s.PadW + s.Width, s.PadW).Clear();
        }
    }
}
