using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// Int8 depthwise Conv2d (groups = in = out channels) on the cpu: one item per (image, channel) plane. The plane is
/// copied, padded with the input zero point and widened to int32, into this thread's scratch with its columns split by
/// phase (x mod stride), so every tap reads 8 consecutive output pixels' inputs at any stride; each tap is one
/// <c>vpmulld</c> and add (|x·w| ≤ 128·127, exact). Same sums and store as <see cref="Int8Conv2dKernels.Int8Conv2d"/>.
/// </summary>
public sealed unsafe class Int8SimdDepthwiseConv2d : ICpuParallelBody
{
    private readonly Int8Conv2dParams _p;
    private readonly int[] _weights;
    private readonly int _paddedH, _paddedW, _phaseW;
    private sbyte* _input;
    private int* _bias;
    private Int8Epilogue _epilogue;

    /// <summary>Whether <paramref name="p"/> is depthwise with one output channel per input channel, and AVX2 is there.</summary>
    public static bool Applies(in Int8Conv2dParams p, Int8SimdPath path) =>
        path != Int8SimdPath.None && p.Groups > 1 && p.Groups == p.InChannels && p.Groups == p.OutChannels;

    /// <summary>Keeps <paramref name="weight"/> (int8 [channels, 1, kh, kw]) as int32 taps.</summary>
    public Int8SimdDepthwiseConv2d(Int8Conv2dParams p, ReadOnlySpan<sbyte> weight) : this(p, Pack(weight)) { }

    /// <summary>The weights widened to int32, the taps the kernel broadcasts.</summary>
    public static int[] Pack(ReadOnlySpan<sbyte> weight)
    {
        var taps = GC.AllocateArray<int>(weight.Length, pinned: true);
        for (int i = 0; i < taps.Length; i++) taps[i] = weight[i];
        return taps;
    }

    /// <summary>A kernel over taps <see cref="Pack"/> made ([channels · kh · kw] int32).</summary>
    public Int8SimdDepthwiseConv2d(Int8Conv2dParams p, int[] taps)
    {
        if (taps.Length != p.OutChannels * p.KernelH * p.KernelW) throw new ArgumentException("taps of another shape", nameof(taps));
        _p = p;
        _weights = taps;
        _paddedH = p.Height + 2 * p.PadH;
        _paddedW = p.Width + 2 * p.PadW;
        // Phase x mod stride holds columns x = phase + stride·i; 8 columns of slack for the last vector's over-read.
        _phaseW = (_paddedW + p.StrideW - 1) / p.StrideW + 8;
    }

    /// <summary><see cref="Run(sbyte*, int*, int*, int*, sbyte*, int*, int)"/> over spans (tests, callers without pointers).</summary>
    public void Run(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> bias, ReadOnlySpan<int> multiplier, ReadOnlySpan<int> shift, Span<sbyte> output, Span<int> accumulator, int mode)
    {
        fixed (sbyte* x = input, y = output)
        fixed (int* b = bias, m = multiplier, s = shift, a = accumulator)
            Run(x, b, m, s, y, a, mode);
    }

    /// <summary>As <see cref="Int8SimdConv2d.Run(sbyte*, int*, int*, int*, sbyte*, int*, int)"/>; one run at a time per instance.</summary>
    public void Run(sbyte* input, int* bias, int* multiplier, int* shift, sbyte* output, int* accumulator, int mode)
    {
        _input = input;
        _bias = bias;
        _epilogue = new Int8Epilogue(mode, multiplier, shift, output, accumulator, _p.OutputZeroPoint, _p.ClampMin, _p.ClampMax);
        Int8Jobs.Run(_p.Batch * _p.OutChannels, this, (long)_p.Batch * _p.OutChannels * _p.OutH * _p.OutW * _p.KernelH * _p.KernelW);
        _input = null;
        _bias = null;
    }

    /// <summary>Plane <paramref name="index"/> = image · channels + channel.</summary>
    void ICpuParallelBody.Run(int index)
    {
        var p = _p;
        int channel = index % p.OutChannels, taps = p.KernelH * p.KernelW;
        var scratch = Int8Scratch.Get(p.StrideW * _paddedH * _phaseW * 4);
        int* sums = stackalloc int[8];
        fixed (byte* bytes = scratch)
        fixed (int* weights = _weights)
        {
            int* plane = (int*)bytes;
            Fill(plane, _input + (long)index * p.Height * p.Width);
            int add = p.HasBias != 0 ? _bias[channel] : 0;
            int* w = weights + channel * taps;
            int outBase = index * p.OutH * p.OutW;
            for (int oy = 0; oy < p.OutH; oy++)
                for (int ox = 0; ox < p.OutW; ox += 8)
                {
                    var acc = Vector256<int>.Zero;
                    for (int ky = 0; ky < p.KernelH; ky++)
                    {
                        int y = oy * p.StrideH + ky * p.DilationH;
                        for (int kx = 0; kx < p.KernelW; kx++)
                        {
                            int x = kx * p.DilationW;
                            int* row = plane + ((long)(x % p.StrideW) * _paddedH + y) * _phaseW + x / p.StrideW + ox;
                            acc = Avx2.Add(acc, Avx2.MultiplyLow(Avx.LoadVector256(row), Vector256.Create(w[ky * p.KernelW + kx])));
                        }
                    }
                    int width = Math.Min(8, p.OutW - ox);
                    if (width == 8)
                    {
                        _epilogue.Store8(Avx2.Add(acc, Vector256.Create(add)), channel, outBase + oy * p.OutW + ox);
                        continue;
                    }
                    Avx.Store(sums, acc);
                    for (int j = 0; j < width; j++) _epilogue.Store(sums[j] + add, channel, outBase + oy * p.OutW + ox + j);
                }
        }
    }

    /// <summary>The padded plane as int32, columns by phase: padded (y, x) at [x mod stride][y][x / stride].</summary>
    private void Fill(int* plane, sbyte* source)
    {
        var p = _p;
        int zp = p.InputZeroPoint, s = p.StrideW;
        for (int y = 0; y < _paddedH; y++)
        {
            int iy = y - p.PadH;
            bool rowInside = (uint)iy < (uint)p.Height;
            sbyte* src = source + (long)iy * p.Width;
            if (s == 1)
            {
                FillRow(plane + (long)y * _phaseW, rowInside ? src : null, zp);
                continue;
            }
            for (int phase = 0; phase < s; phase++)
            {
                int* row = plane + ((long)phase * _paddedH + y) * _phaseW;
                for (int i = 0, x = phase; x < _paddedW; i++, x += s)
                {
                    int ix = x - p.PadW;
                    row[i] = rowInside && (uint)ix < (uint)p.Width ? src[ix] : zp;
                }
            }
        }
    }

    /// <summary>One padded row at stride 1: zero point at the edges, the input row widened 8 bytes at a time (vpmovsxbd); all zero point when <paramref name="src"/> is null.</summary>
    private void FillRow(int* row, sbyte* src, int zp)
    {
        var p = _p;
        if (src is null)
        {
            for (int x = 0; x < _paddedW; x++) row[x] = zp;
            return;
        }
        for (int x = 0; x < p.PadW; x++) row[x] = zp;
        int* inside = row + p.PadW;
        int i = 0;
        for (; i + 8 <= p.Width; i += 8) Avx.Store(inside + i, Avx2.ConvertToVector256Int32(src + i));
        for (; i < p.Width; i++) inside[i] = src[i];
        for (int x = p.PadW + p.Width; x < _paddedW; x++) row[x] = zp;
    }
}
