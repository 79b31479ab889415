using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>One plane of <see cref="Int8SimdDepthwiseConv2d"/>: the padded, phase-split bytes, their interleaved lanes, the sums.</summary>
public sealed unsafe partial class Int8SimdDepthwiseConv2d
{
    private void Plane<T>(int plane, in Frame frame) where T : struct, IInt8DepthwiseTaps
    {
        var p = _p;
        int channel = plane % p.OutChannels;
        byte* flat = frame.Scratch + FlatMargin, temp = frame.Scratch + _flatBytes, bytes = temp + _tempBytes;
        int* lanes = (int*)(bytes + _planeBytes);
        CopyFlipped(flat, _input + (long)plane * p.Height * p.Width, p.Height * p.Width, T.Flip);
        if (_direct) InterleaveFromInput<T>(flat, lanes, frame);
        else
        {
            Fill(bytes, temp, flat, T.Flip);
            long step = (long)p.DilationH * _rowBytes;
            for (int i = 0; i < _startRows.Length; i++)
            {
                int row = frame.StartRows[i];
                T.Interleave(bytes + (long)row * _rowBytes, step, _rowBytes, lanes + (long)row * _rowBytes);
            }
        }
        int* words = frame.Packed + channel * (_taps + 1);
        int init = words[_taps] + (p.HasBias != 0 ? _bias[channel] : 0);
        bool narrow = _mode == RequantizeKernels.Fused && Int8ChannelRequant.Vectorizes(_multiplier[channel], p.ClampMin, p.ClampMax);
        var requants = !narrow ? default : new Requants(true,
            new Int8ChannelRequant(_multiplier[channel], _shift[channel], p.OutputZeroPoint, p.ClampMin, p.ClampMax),
            _wide && p.OutW > 8 ? new Int8ChannelRequant16(_multiplier[channel], _shift[channel], p.OutputZeroPoint, p.ClampMin, p.ClampMax) : default);
        Sums<T>(lanes, words, frame.Offsets, init, channel, plane * p.OutH * p.OutW, requants);
    }

    /// <summary>
    /// Every output of the plane from the interleaved lanes, along each row 16 at a time (two vectors, requantized as
    /// one 512-bit vector) where the kernel was made for 512-bit vectors, else and at a row's end 8 at a time.
    /// </summary>
    private void Sums<T>(int* lanes, int* words, int* offsets, int init, int channel, int outBase, in Requants requants) where T : struct, IInt8DepthwiseTaps
    {
        var p = _p;
        var start = Vector256.Create(init);
        long rowStep = (long)p.StrideH * _rowBytes;
        int outW = p.OutW, wideEnd = _wide ? outW - 8 : 0;
        var at = new Outputs(outBase, p.OutH * outW);
        if (_taps == 3)
        {
            // 3×3 on AVX-VNNI (three kernel columns of one row group): weights and offsets stay in registers.
            Vector256<int> w0 = Vector256.Create(words[0]), w1 = Vector256.Create(words[1]), w2 = Vector256.Create(words[2]);
            int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2];
            for (int oy = 0; oy < p.OutH; oy++)
            {
                int* row = lanes + oy * rowStep;
                at.Row(oy * outW, outW);
                int ox = 0;
                for (; ox < wideEnd; ox += 16)
                {
                    int* x = row + ox, y = x + 8;
                    Store16(T.Add(T.Add(T.Add(start, x + o0, w0), x + o1, w1), x + o2, w2),
                        T.Add(T.Add(T.Add(start, y + o0, w0), y + o1, w1), y + o2, w2), requants, channel, at, ox);
                }
                for (; ox < outW; ox += 8)
                {
                    int* x = row + ox;
                    Store(T.Add(T.Add(T.Add(start, x + o0, w0), x + o1, w1), x + o2, w2), requants, channel, at, ox);
                }
            }
            return;
        }
        if (_taps == 6)
        {
            // 3×3 on AVX2 (two row groups of three columns).
            Vector256<int> w0 = Vector256.Create(words[0]), w1 = Vector256.Create(words[1]), w2 = Vector256.Create(words[2]);
            Vector256<int> w3 = Vector256.Create(words[3]), w4 = Vector256.Create(words[4]), w5 = Vector256.Create(words[5]);
            int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4], o5 = offsets[5];
            for (int oy = 0; oy < p.OutH; oy++)
            {
                int* row = lanes + oy * rowStep;
                at.Row(oy * outW, outW);
                int ox = 0;
                for (; ox < wideEnd; ox += 16)
                {
                    int* x = row + ox, y = x + 8;
                    var a = Avx2.Add(T.Add(T.Add(T.Add(start, x + o0, w0), x + o1, w1), x + o2, w2), T.Add(T.Add(T.Add(Vector256<int>.Zero, x + o3, w3), x + o4, w4), x + o5, w5));
                    var b = Avx2.Add(T.Add(T.Add(T.Add(start, y + o0, w0), y + o1, w1), y + o2, w2), T.Add(T.Add(T.Add(Vector256<int>.Zero, y + o3, w3), y + o4, w4), y + o5, w5));
                    Store16(a, b, requants, channel, at, ox);
                }
                for (; ox < outW; ox += 8)
                {
                    int* x = row + ox;
                    var a = T.Add(T.Add(T.Add(start, x + o0, w0), x + o1, w1), x + o2, w2);
                    Store(Avx2.Add(a, T.Add(T.Add(T.Add(Vector256<int>.Zero, x + o3, w3), x + o4, w4), x + o5, w5)), requants, channel, at, ox);
                }
            }
            return;
        }
        for (int oy = 0; oy < p.OutH; oy++)
        {
            int* row = lanes + oy * rowStep;
            at.Row(oy * outW, outW);
            for (int ox = 0; ox < outW; ox += 8)
            {
                var acc = start;
                for (int t = 0; t < _taps; t++) acc = T.Add(acc, row + ox + offsets[t], Vector256.Create(words[t]));
                Store(acc, requants, channel, at, ox);
            }
        }
    }

    /// <summary>A channel's requantization: whether the vector steps apply (fused mode, <see cref="Int8ChannelRequant.Vectorizes"/>), on 8 and 16 lanes.</summary>
    private readonly struct Requants(bool narrow, Int8ChannelRequant eight, Int8ChannelRequant16 sixteen)
    {
        public readonly bool Narrow = narrow;
        public readonly Int8ChannelRequant Eight = eight;
        public readonly Int8ChannelRequant16 Sixteen = sixteen;
    }

    /// <summary>Where a plane's outputs go: its first element, its size, and the row being stored.</summary>
    private struct Outputs(int planeBase, int pixels)
    {
        public readonly int PlaneBase = planeBase, Pixels = pixels;
        public int RowStart, RowEnd;

        public void Row(int start, int width)
        {
            RowStart = start;
            RowEnd = start + width;
        }
    }

    /// <summary>Stores 16 sums (<paramref name="a"/> then <paramref name="b"/>) of outputs from column <paramref name="ox"/> of the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store16(Vector256<int> a, Vector256<int> b, in Requants requants, int channel, in Outputs at, int ox)
    {
        int index = at.RowStart + ox;
        if (!requants.Narrow)
        {
            Store(a, requants, channel, at, ox);
            Store(b, requants, channel, at, ox + 8);
            return;
        }
        var bytes = requants.Sixteen.Narrow(Vector512.Create(a, b));
        if (index + 16 <= at.RowEnd || (_overlapStores && index + 16 <= at.Pixels)) Sse2.Store(_output + at.PlaneBase + index, bytes);
        else
            for (int j = 0; j < at.RowEnd - index; j++) _output[at.PlaneBase + index + j] = bytes.GetElement(j);
    }

    /// <summary>
    /// Stores the 8 sums of outputs [index, index + 8) of the plane. Lanes past the row belong to the next row, which is
    /// computed and stored after: they are stored too (one vector store) unless they leave the plane or stores add.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(Vector256<int> sums, in Requants requants, int channel, in Outputs at, int ox)
    {
        int index = at.RowStart + ox;
        bool whole = index + 8 <= at.RowEnd || (_overlapStores && index + 8 <= at.Pixels);
        if (requants.Narrow)
        {
            long bytes = requants.Eight.Narrow(sums);
            if (whole) *(long*)(_output + at.PlaneBase + index) = bytes;
            else for (int j = 0; j < at.RowEnd - index; j++) _output[at.PlaneBase + index + j] = (sbyte)(bytes >> 8 * j);
        }
        else if (whole) _epilogue.Store8(sums, channel, at.PlaneBase + index);
        else StorePart(sums, channel, at.PlaneBase + index, at.RowEnd - index);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StorePart(Vector256<int> sums, int channel, int index, int count)
    {
        int* lanes = stackalloc int[8];
        Avx.Store(lanes, sums);
        for (int j = 0; j < count; j++) _epilogue.Store(lanes[j], channel, index + j);
    }

    /// <summary>
    /// The padded plane as bytes (each XORed with <paramref name="flip"/>, the zero point in the padding), row y at
    /// y · row bytes, column x at (x mod stride) · phase width + x / stride; rows past the padding are padding too.
    /// The input plane is first copied whole into <paramref name="flat"/>, so rows then move in 16-byte steps: a row's
    /// last step may run past it into the next row, which is written after (and the buffers have the slack).
    /// </summary>
    private void Fill(byte* bytes, byte* temp, byte* flat, byte flip)
    {
        var p = _p;
        byte pad = (byte)((byte)(sbyte)p.InputZeroPoint ^ flip);
        var pads = Vector128.Create(pad);
        int paddedW = p.Width + 2 * p.PadW;
        for (int y = 0; y < _byteRows; y++)
        {
            byte* row = bytes + (long)y * _rowBytes;
            int iy = y - p.PadH;
            if ((uint)iy >= (uint)p.Height)
            {
                for (int i = 0; i < _rowBytes; i += 16) Sse2.Store(row + i, pads);
                continue;
            }
            byte* padded = p.StrideW == 1 ? row : temp;
            byte* from = flat + (long)iy * p.Width;
            for (int x = 0; x < p.PadW; x++) padded[x] = pad;
            for (int i = 0; i < p.Width; i += 16) Sse2.Store(padded + p.PadW + i, Sse2.LoadVector128(from + i));
            for (int x = p.PadW + p.Width; x < paddedW; x++) padded[x] = pad;
            if (p.StrideW == 2) SplitEvenOdd(temp, row, paddedW);
            else if (p.StrideW > 2)
                for (int x = 0; x < paddedW; x++) row[x % p.StrideW * _phaseW + x / p.StrideW] = temp[x];
        }
    }

    /// <summary>
    /// Stride 1: the interleaved rows straight from the flat input, no padded plane. A padded row's 16 columns from c
    /// are the input row's from c − pad (reading the neighbouring rows' bytes, or the margin and slack around the flat
    /// copy) with the edge columns replaced by the padding byte; rows outside the input are padding.
    /// </summary>
    private void InterleaveFromInput<T>(byte* flat, int* lanes, in Frame frame) where T : struct, IInt8DepthwiseTaps
    {
        var p = _p;
        var pads = Vector128.Create((byte)((byte)(sbyte)p.InputZeroPoint ^ T.Flip));
        if (_rolling)
        {
            RollRows<T>(flat, lanes, frame.EdgeMask, pads);
            return;
        }
        for (int i = 0; i < _startRows.Length; i++)
        {
            int row = frame.StartRows[i];
            int* to = lanes + (long)row * _rowBytes;
            byte* r0 = InputRow(flat, row), r1 = InputRow(flat, row + p.DilationH);
            byte* r2 = T.RowsPerLane == 4 ? InputRow(flat, row + 2 * p.DilationH) : null, r3 = T.RowsPerLane == 4 ? InputRow(flat, row + 3 * p.DilationH) : null;
            for (int c = 0; c < _rowBytes; c += 16)
            {
                var edges = Sse2.LoadVector128(frame.EdgeMask + c);
                var a = r0 is null ? pads : Sse41.BlendVariable(Sse2.LoadVector128(r0 + c), pads, edges);
                var b = r1 is null ? pads : Sse41.BlendVariable(Sse2.LoadVector128(r1 + c), pads, edges);
                Vector128<byte> x = default, y = default;
                if (T.RowsPerLane == 4)
                {
                    x = r2 is null ? pads : Sse41.BlendVariable(Sse2.LoadVector128(r2 + c), pads, edges);
                    y = r3 is null ? pads : Sse41.BlendVariable(Sse2.LoadVector128(r3 + c), pads, edges);
                }
                T.Interleave16(a, b, x, y, to + c);
            }
        }
    }

    /// <summary>
    /// <see cref="InterleaveFromInput{T}"/> where the interleaved rows are 0, 1, 2, ... of undilated kernel rows: by
    /// 16-column strips, each padded row made once and rolled through the lanes of the rows that hold it.
    /// </summary>
    private void RollRows<T>(byte* flat, int* lanes, byte* edgeMask, Vector128<byte> pads) where T : struct, IInt8DepthwiseTaps
    {
        int rows = _startRows.Length;
        for (int c = 0; c < _rowBytes; c += 16)
        {
            var edges = Sse2.LoadVector128(edgeMask + c);
            var a = Strip(flat, 0, c, edges, pads);
            var b = Strip(flat, 1, c, edges, pads);
            var x = T.RowsPerLane == 4 ? Strip(flat, 2, c, edges, pads) : default;
            for (int row = 0; row < rows; row++)
            {
                int* to = lanes + (long)row * _rowBytes + c;
                if (T.RowsPerLane == 4)
                {
                    var y = Strip(flat, row + 3, c, edges, pads);
                    T.Interleave16(a, b, x, y, to);
                    (a, b, x) = (b, x, y);
                }
                else
                {
                    T.Interleave16(a, b, default, default, to);
                    (a, b) = (b, Strip(flat, row + 2, c, edges, pads));
                }
            }
        }
    }

    /// <summary>Columns [c, c + 16) of padded row <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<byte> Strip(byte* flat, int y, int c, Vector128<byte> edges, Vector128<byte> pads)
    {
        byte* row = InputRow(flat, y);
        return row is null ? pads : Sse41.BlendVariable(Sse2.LoadVector128(row + c), pads, edges);
    }

    /// <summary>Where padded row <paramref name="y"/>'s column 0 would be in the flat input (null: a padding row).</summary>
    private byte* InputRow(byte* flat, int y)
    {
        int iy = y - _p.PadH;
        return (uint)iy < (uint)_p.Height ? flat + (long)iy * _p.Width - _p.PadW : null;
    }

    private static void CopyFlipped(byte* to, sbyte* from, int count, byte flip)
    {
        byte* src = (byte*)from;
        int i = 0;
        for (; i + 32 <= count; i += 32) Avx.Store(to + i, Avx2.Xor(Avx.LoadVector256(src + i), Vector256.Create(flip)));
        if (i + 16 <= count)
        {
            Sse2.Store(to + i, Sse2.Xor(Sse2.LoadVector128(src + i), Vector128.Create(flip)));
            i += 16;
        }
        if (i + 8 <= count)
        {
            *(ulong*)(to + i) = *(ulong*)(src + i) ^ 0x0101010101010101UL * flip;
            i += 8;
        }
        for (; i < count; i++) to[i] = (byte)(src[i] ^ flip);
    }

    /// <summary>A padded row's even columns to [0, phase width), its odd ones after; reads and writes whole 16-byte steps (the buffers have the slack).</summary>
    private void SplitEvenOdd(byte* padded, byte* row, int paddedW)
    {
        var evensThenOdds = Vector128.Create((byte)0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
        byte* odd = row + _phaseW;
        for (int i = 0; i < paddedW; i += 16)
        {
            var split = Ssse3.Shuffle(Sse2.LoadVector128(padded + i), evensThenOdds).AsUInt64();
            *(ulong*)(row + i / 2) = split.ToScalar();
            *(ulong*)(odd + i / 2) = split.GetElement(1);
        }
    }
}
