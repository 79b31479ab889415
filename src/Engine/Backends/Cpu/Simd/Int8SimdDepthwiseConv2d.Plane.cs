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
}
