using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

public sealed unsafe partial class Int8SimdConv2d
{
    /// <summary>One (group, chunk, channel range) item: pack the chunk's im2col, then every micro-tile of the range.</summary>
    private sealed class Body(Int8SimdConv2d conv) : ICpuParallelBody
    {
        private sbyte* _input;
        private int* _bias;
        private Int8Epilogue _epilogue;

        public void Set(sbyte* input, int* bias, Int8Epilogue epilogue)
        {
            _input = input;
            _bias = bias;
            _epilogue = epilogue;
        }

        public void Run(int index)
        {
            var c = conv;
            int part = index % c._parts, rest = index / c._parts;
            int chunk = rest % c._chunks, g = rest / c._chunks;
            int c0 = chunk * c._chunkColumns, count = Math.Min(c._chunkColumns, c._columns - c0);
            int stepBytes = c._chunkColumns * 4;
            var scratch = Int8Scratch.Get(c._steps * stepBytes);
            int* tile = stackalloc int[Int8GemmMicroKernels.Rows * Int8GemmMicroKernels.Columns];
            fixed (byte* packed = scratch)
            fixed (byte* weights = c._weights)
            {
                c.PackColumns(packed, _input, g, c0, count);
                int rowBytes = c._steps * 4;
                int* correction = (int*)(weights + c._p.OutChannels * rowBytes);
                int m0 = part * c._rowsPerPart, m1 = Math.Min(c._rows, m0 + c._rowsPerPart);
                for (int m = m0; m < m1; m += Int8GemmMicroKernels.Rows)
                {
                    int rows = Math.Min(Int8GemmMicroKernels.Rows, m1 - m);
                    int channel = g * c._rows + m;
                    for (int j = 0; j < count; j += Int8GemmMicroKernels.Columns)
                    {
                        Int8GemmMicroKernels.Run(c._path, rows, packed + j * 4, stepBytes, weights + channel * rowBytes, rowBytes, c._steps, tile);
                        c.StoreTile(tile, correction, rows, channel, c0 + j, Math.Min(Int8GemmMicroKernels.Columns, count - j), _bias, _epilogue);
                    }
                }
            }
        }
    }

    /// <summary>Adds bias and correction to a micro-tile and stores its columns [column, column + width) of each row.</summary>
    private void StoreTile(int* tile, int* correction, int rows, int channel, int column, int width, int* bias, in Int8Epilogue epilogue)
    {
        int cout = _p.OutChannels;
        int b0 = column / _pixels, q0 = column % _pixels;
        // A full tile inside one image: 16 contiguous outputs per channel, stored 8 at a time.
        bool contiguous = width == Int8GemmMicroKernels.Columns && q0 + width <= _pixels;
        for (int r = 0; r < rows; r++)
        {
            int co = channel + r;
            int add = (_p.HasBias != 0 ? bias[co] : 0) - correction[co];
            int* sums = tile + r * Int8GemmMicroKernels.Columns;
            int index = (b0 * cout + co) * _pixels + q0;
            if (contiguous)
            {
                var addV = Vector256.Create(add);
                epilogue.Store8(Avx2.Add(Avx.LoadVector256(sums), addV), co, index);
                epilogue.Store8(Avx2.Add(Avx.LoadVector256(sums + 8), addV), co, index + 8);
                continue;
            }
            int b = b0, q = q0;
            for (int j = 0; j < width; j++)
            {
                epilogue.Store(sums[j] + add, co, (b * cout + co) * _pixels + q);
                if (++q == _pixels) { q = 0; b++; }
            }
        }
    }

    /// <summary>
    /// The im2col of columns [c0, c0 + count) of group <paramref name="g"/> in the micro-kernels' layout: per k step,
    /// 4 bytes a column (VNNI: 4 channels as u8 = x + 128; AVX2: 2 channels as int16); padding reads the input zero point.
    /// </summary>
    private void PackColumns(byte* dst, sbyte* input, int g, int c0, int count)
    {
        var p = _p;
        if (_path == Int8SimdPath.AvxVnni && p.KernelH == 1 && p.KernelW == 1 && p.StrideH == 1 && p.StrideW == 1 && p.PadH == 0 && p.PadW == 0)
        {
            PackPointwise(dst, input, g, c0, count);
            return;
        }
        int cinG = p.InChannels / p.Groups, stepBytes = _chunkColumns * 4, zp = p.InputZeroPoint;
        bool vnni = _path == Int8SimdPath.AvxVnni;
        for (int j = 0; j < count;)
        {
            int column = c0 + j, b = column / _pixels, q = column % _pixels, oy = q / p.OutW, ox0 = q % p.OutW;
            int run = Math.Min(p.OutW - ox0, count - j);
            int firstScalar = 0;
            if (vnni && p.StrideW == 1)
            {
                firstScalar = cinG / 4 * 4;
                for (int ci = 0; ci < firstScalar; ci += 4) PackFour(dst, input, g, ci, b, oy, ox0, j, run);
            }
            for (int ci = firstScalar; ci < cinG; ci++)
            {
                sbyte* plane = input + (long)(b * p.InChannels + g * cinG + ci) * p.Height * p.Width;
                for (int ky = 0; ky < p.KernelH; ky++)
                {
                    int iy = oy * p.StrideH - p.PadH + ky * p.DilationH;
                    bool rowInside = (uint)iy < (uint)p.Height;
                    sbyte* src = plane + (long)iy * p.Width;
                    for (int kx = 0; kx < p.KernelW; kx++)
                    {
                        int k = (ky * p.KernelW + kx) * _cinPadded + ci;
                        byte* d = dst + k / _laneK * stepBytes + j * 4;
                        int ix0 = ox0 * p.StrideW - p.PadW + kx * p.DilationW;
                        // Columns [lo, hi) read the row; the rest are padding. No test inside the copy loop.
                        int lo = 0, hi = 0;
                        if (rowInside)
                        {
                            lo = ix0 >= 0 ? 0 : Math.Min(run, (-ix0 + p.StrideW - 1) / p.StrideW);
                            hi = p.Width - ix0 <= 0 ? lo : Math.Clamp((p.Width - ix0 + p.StrideW - 1) / p.StrideW, lo, run);
                        }
                        sbyte* from = src + ix0;
                        if (vnni)
                        {
                            d += k & 3;
                            byte pad = (byte)(zp + 128);
                            for (int t = 0; t < lo; t++) d[t * 4] = pad;
                            for (int t = lo; t < hi; t++) d[t * 4] = (byte)(from[t * p.StrideW] + 128);
                            for (int t = hi; t < run; t++) d[t * 4] = pad;
                        }
                        else
                        {
                            short* s = (short*)d + (k & 1);
                            for (int t = 0; t < lo; t++) s[t * 2] = (short)zp;
                            for (int t = lo; t < hi; t++) s[t * 2] = from[t * p.StrideW];
                            for (int t = hi; t < run; t++) s[t * 2] = (short)zp;
                        }
                    }
                }
            }
            j += run;
        }
    }

    /// <summary>
    /// <see cref="PackColumns"/> for a 1×1, stride 1, unpadded conv on the VNNI path: a column is one input pixel, so
    /// each image's part of the chunk is a contiguous run of every channel plane; 4 channels × 16 pixels are
    /// interleaved into 16 columns of 4 bytes with two rounds of byte and word unpacks (and + 128 as xor 0x80).
    /// </summary>
    private void PackPointwise(byte* dst, sbyte* input, int g, int c0, int count)
    {
        var p = _p;
        int cinG = p.InChannels / p.Groups, stepBytes = _chunkColumns * 4, full = cinG / 4 * 4;
        var flip = Vector128.Create((byte)0x80);
        for (int j = 0; j < count;)
        {
            int column = c0 + j, b = column / _pixels, q = column % _pixels;
            int run = Math.Min(_pixels - q, count - j);
            sbyte* first = input + (long)(b * p.InChannels + g * cinG) * _pixels + q;
            for (int ci = 0; ci < full; ci += 4)
            {
                sbyte* x0 = first + (long)ci * _pixels;
                sbyte* x1 = x0 + _pixels, x2 = x1 + _pixels, x3 = x2 + _pixels;
                byte* d = dst + ci / 4 * stepBytes + j * 4;
                int t = 0;
                for (; t + 16 <= run; t += 16)
                {
                    var a = Sse2.Xor(Sse2.LoadVector128((byte*)x0 + t), flip);
                    var bb = Sse2.Xor(Sse2.LoadVector128((byte*)x1 + t), flip);
                    var c = Sse2.Xor(Sse2.LoadVector128((byte*)x2 + t), flip);
                    var e = Sse2.Xor(Sse2.LoadVector128((byte*)x3 + t), flip);
                    var abLo = Sse2.UnpackLow(a, bb).AsUInt16();
                    var abHi = Sse2.UnpackHigh(a, bb).AsUInt16();
                    var ceLo = Sse2.UnpackLow(c, e).AsUInt16();
                    var ceHi = Sse2.UnpackHigh(c, e).AsUInt16();
                    byte* o = d + t * 4;
                    Sse2.Store(o, Sse2.UnpackLow(abLo, ceLo).AsByte());
                    Sse2.Store(o + 16, Sse2.UnpackHigh(abLo, ceLo).AsByte());
                    Sse2.Store(o + 32, Sse2.UnpackLow(abHi, ceHi).AsByte());
                    Sse2.Store(o + 48, Sse2.UnpackHigh(abHi, ceHi).AsByte());
                }
                for (; t < run; t++)
                {
                    d[t * 4] = (byte)(x0[t] + 128);
                    d[t * 4 + 1] = (byte)(x1[t] + 128);
                    d[t * 4 + 2] = (byte)(x2[t] + 128);
                    d[t * 4 + 3] = (byte)(x3[t] + 128);
                }
            }
            for (int ci = full; ci < cinG; ci++)
            {
                sbyte* x = first + (long)ci * _pixels;
                byte* d = dst + ci / 4 * stepBytes + j * 4 + (ci & 3);
                for (int t = 0; t < run; t++) d[t * 4] = (byte)(x[t] + 128);
            }
            j += run;
        }
    }

    /// <summary>
    /// Channels ci .. ci+3 of a stride-1 row segment on the VNNI path (one k step per tap): the padding columns
    /// byte by byte, the inside 16 columns at a time, 4 channels interleaved by byte and word unpacks.
    /// </summary>
    private void PackFour(byte* dst, sbyte* input, int g, int ci, int b, int oy, int ox0, int j, int run)
    {
        var p = _p;
        int cinG = p.InChannels / p.Groups, stepBytes = _chunkColumns * 4, planeSize = p.Height * p.Width;
        byte pad = (byte)(p.InputZeroPoint + 128);
        var flip = Vector128.Create((byte)0x80);
        sbyte* plane0 = input + (long)(b * p.InChannels + g * cinG + ci) * planeSize;
        for (int ky = 0; ky < p.KernelH; ky++)
        {
            int iy = oy * p.StrideH - p.PadH + ky * p.DilationH;
            bool rowInside = (uint)iy < (uint)p.Height;
            for (int kx = 0; kx < p.KernelW; kx++)
            {
                int k = (ky * p.KernelW + kx) * _cinPadded + ci;
                byte* d = dst + k / 4 * stepBytes + j * 4;
                int ix0 = ox0 - p.PadW + kx * p.DilationW;
                int lo = 0, hi = 0;
                if (rowInside)
                {
                    lo = ix0 >= 0 ? 0 : Math.Min(run, -ix0);
                    hi = Math.Clamp(p.Width - ix0, lo, run);
                }
                uint padWord = pad * 0x01010101u;
                for (int t = 0; t < lo; t++) ((uint*)d)[t] = padWord;
                for (int t = hi; t < run; t++) ((uint*)d)[t] = padWord;
                sbyte* x0 = plane0 + (long)iy * p.Width + ix0;
                sbyte* x1 = x0 + planeSize, x2 = x1 + planeSize, x3 = x2 + planeSize;
                int u = lo;
                for (; u + 16 <= hi; u += 16)
                {
                    var a = Sse2.Xor(Sse2.LoadVector128((byte*)x0 + u), flip);
                    var bb = Sse2.Xor(Sse2.LoadVector128((byte*)x1 + u), flip);
                    var c = Sse2.Xor(Sse2.LoadVector128((byte*)x2 + u), flip);
                    var e = Sse2.Xor(Sse2.LoadVector128((byte*)x3 + u), flip);
                    var abLo = Sse2.UnpackLow(a, bb).AsUInt16();
                    var abHi = Sse2.UnpackHigh(a, bb).AsUInt16();
                    var ceLo = Sse2.UnpackLow(c, e).AsUInt16();
                    var ceHi = Sse2.UnpackHigh(c, e).AsUInt16();
                    byte* o = d + u * 4;
                    Sse2.Store(o, Sse2.UnpackLow(abLo, ceLo).AsByte());
                    Sse2.Store(o + 16, Sse2.UnpackHigh(abLo, ceLo).AsByte());
                    Sse2.Store(o + 32, Sse2.UnpackLow(abHi, ceHi).AsByte());
                    Sse2.Store(o + 48, Sse2.UnpackHigh(abHi, ceHi).AsByte());
                }
                for (; u < hi; u++)
                {
                    d[u * 4] = (byte)(x0[u] + 128);
                    d[u * 4 + 1] = (byte)(x1[u] + 128);
                    d[u * 4 + 2] = (byte)(x2[u] + 128);
                    d[u * 4 + 3] = (byte)(x3[u] + 128);
                }
            }
        }
    }
}
