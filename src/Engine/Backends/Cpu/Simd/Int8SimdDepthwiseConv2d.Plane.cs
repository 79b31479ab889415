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
        byte* flat = frame.Scratch, temp = flat + _flatBytes, bytes = temp + _tempBytes;
        int* lanes = (int*)(bytes + _planeBytes);
        Fill(bytes, temp, flat, _input + (long)plane * p.Height * p.Width, T.Flip);
        long step = (long)p.DilationH * _rowBytes;
        for (int i = 0; i < _startRows.Length; i++)
        {
            int row = frame.StartRows[i];
            T.Interleave(bytes + (long)row * _rowBytes, step, _rowBytes, lanes + (long)row * _rowBytes);
        }
        int* words = frame.Packed + channel * (_taps + 1);
        int init = words[_taps] + (p.HasBias != 0 ? _bias[channel] : 0);
        bool narrow = _mode == RequantizeKernels.Fused && Int8ChannelRequant.Vectorizes(_multiplier[channel], p.ClampMin, p.ClampMax);
        var requant = narrow ? new Int8ChannelRequant(_multiplier[channel], _shift[channel], p.OutputZeroPoint, p.ClampMin, p.ClampMax) : default;
        Sums<T>(lanes, words, frame.Offsets, init, channel, plane * p.OutH * p.OutW, requant, narrow);
    }

    /// <summary>Every output of the plane, 8 along a row at a time, from the interleaved lanes.</summary>
    private void Sums<T>(int* lanes, int* words, int* offsets, int init, int channel, int outBase, in Int8ChannelRequant requant, bool narrow) where T : struct, IInt8DepthwiseTaps
    {
        var p = _p;
        var start = Vector256.Create(init);
        long rowStep = (long)p.StrideH * _rowBytes;
        int pixels = p.OutH * p.OutW;
        if (_taps == 3)
        {
            // 3×3 on AVX-VNNI (three kernel columns of one row group): weights and offsets stay in registers.
            Vector256<int> w0 = Vector256.Create(words[0]), w1 = Vector256.Create(words[1]), w2 = Vector256.Create(words[2]);
            int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2];
            for (int oy = 0; oy < p.OutH; oy++)
            {
                int* row = lanes + oy * rowStep;
                int rowStart = oy * p.OutW, rowEnd = rowStart + p.OutW;
                for (int ox = 0; ox < p.OutW; ox += 8)
                {
                    int* at = row + ox;
                    var acc = T.Add(T.Add(T.Add(start, at + o0, w0), at + o1, w1), at + o2, w2);
                    Store(acc, requant, narrow, channel, outBase, rowStart + ox, rowEnd, pixels);
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
                int rowStart = oy * p.OutW, rowEnd = rowStart + p.OutW;
                for (int ox = 0; ox < p.OutW; ox += 8)
                {
                    int* at = row + ox;
                    var a = T.Add(T.Add(T.Add(start, at + o0, w0), at + o1, w1), at + o2, w2);
                    var b = T.Add(T.Add(T.Add(Vector256<int>.Zero, at + o3, w3), at + o4, w4), at + o5, w5);
                    Store(Avx2.Add(a, b), requant, narrow, channel, outBase, rowStart + ox, rowEnd, pixels);
                }
            }
            return;
        }
        for (int oy = 0; oy < p.OutH; oy++)
        {
            int* row = lanes + oy * rowStep;
            int rowStart = oy * p.OutW, rowEnd = rowStart + p.OutW;
            for (int ox = 0; ox < p.OutW; ox += 8)
            {
                var acc = start;
                for (int t = 0; t < _taps; t++) acc = T.Add(acc, row + ox + offsets[t], Vector256.Create(words[t]));
                Store(acc, requant, narrow, channel, outBase, rowStart + ox, rowEnd, pixels);
            }
        }
    }

    /// <summary>
    /// Stores the 8 sums of outputs [index, index + 8) of the plane. Lanes past the row belong to the next row, which is
    /// computed and stored after: they are stored too (one vector store) unless they leave the plane or stores add.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(Vector256<int> sums, in Int8ChannelRequant requant, bool narrow, int channel, int outBase, int index, int rowEnd, int pixels)
    {
        bool whole = index + 8 <= rowEnd || (_overlapStores && index + 8 <= pixels);
        if (narrow)
        {
            long bytes = requant.Narrow(sums);
            if (whole) *(long*)(_output + outBase + index) = bytes;
            else for (int j = 0; j < rowEnd - index; j++) _output[outBase + index + j] = (sbyte)(bytes >> 8 * j);
        }
        else if (whole) _epilogue.Store8(sums, channel, outBase + index);
        else StorePart(sums, channel, outBase + index, rowEnd - index);
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
    private void Fill(byte* bytes, byte* temp, byte* flat, sbyte* source, byte flip)
    {
        var p = _p;
        byte pad = (byte)((byte)(sbyte)p.InputZeroPoint ^ flip);
        var pads = Vector128.Create(pad);
        int paddedW = p.Width + 2 * p.PadW;
        CopyFlipped(flat, source, p.Height * p.Width, flip);
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
