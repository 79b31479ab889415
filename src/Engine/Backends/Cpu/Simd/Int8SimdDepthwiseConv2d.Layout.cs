using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>How <see cref="Int8SimdDepthwiseConv2d"/> lays a plane out: the flat copy, the padded phase-split bytes, the interleaved lanes.</summary>
public sealed unsafe partial class Int8SimdDepthwiseConv2d
{
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
