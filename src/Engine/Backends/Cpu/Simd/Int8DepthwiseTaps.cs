using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// How one int8 SIMD path multiplies the depthwise taps: each int32 lane of the interleaved plane holds one column of
/// <see cref="RowsPerLane"/> padded rows (a kernel column's taps), and one instruction multiplies them by their weights
/// and adds the products into the lane's int32 sum, for 8 consecutive outputs at once.
/// </summary>
internal unsafe interface IInt8DepthwiseTaps
{
    /// <summary>Padded rows (kernel rows) one int32 lane holds.</summary>
    static abstract int RowsPerLane { get; }

    /// <summary>XORed into every input byte of the padded plane (0x80 makes the unsigned x + 128 of vpdpbusd).</summary>
    static abstract byte Flip { get; }

    /// <summary>acc + the lanes at <paramref name="lanes"/> times the weights of <paramref name="word"/>, lane by lane.</summary>
    static abstract Vector256<int> Add(Vector256<int> acc, int* lanes, Vector256<int> word);

    /// <summary>
    /// One interleaved row: lane i = byte i of padded rows <paramref name="row"/>, + <paramref name="step"/>, ... (one
    /// per <see cref="RowsPerLane"/>), for i below <paramref name="bytes"/> (a multiple of 16).
    /// </summary>
    static abstract void Interleave(byte* row, long step, int bytes, int* lanes);
}

/// <summary>AVX-VNNI: lanes of four u8 (x + 128) rows, <c>vpdpbusd</c> by four s8 weights; the sum is corrected by −128·Σw.</summary>
internal readonly unsafe struct VnniDepthwiseTaps : IInt8DepthwiseTaps
{
    public static int RowsPerLane => 4;
    public static byte Flip => 0x80;

    public static Vector256<int> Add(Vector256<int> acc, int* lanes, Vector256<int> word) =>
        AvxVnni.MultiplyWideningAndAdd(acc, Avx.LoadVector256((byte*)lanes), word.AsSByte());

    public static void Interleave(byte* row, long step, int bytes, int* lanes)
    {
        byte* b = row + step, c = row + 2 * step, d = row + 3 * step;
        byte* o = (byte*)lanes;
        for (int i = 0; i < bytes; i += 16, o += 64)
        {
            Vector128<byte> va = Sse2.LoadVector128(row + i), vb = Sse2.LoadVector128(b + i);
            Vector128<byte> vc = Sse2.LoadVector128(c + i), vd = Sse2.LoadVector128(d + i);
            var ab0 = Sse2.UnpackLow(va, vb).AsInt16();
            var ab1 = Sse2.UnpackHigh(va, vb).AsInt16();
            var cd0 = Sse2.UnpackLow(vc, vd).AsInt16();
            var cd1 = Sse2.UnpackHigh(vc, vd).AsInt16();
            Sse2.Store(o, Sse2.UnpackLow(ab0, cd0).AsByte());
            Sse2.Store(o + 16, Sse2.UnpackHigh(ab0, cd0).AsByte());
            Sse2.Store(o + 32, Sse2.UnpackLow(ab1, cd1).AsByte());
            Sse2.Store(o + 48, Sse2.UnpackHigh(ab1, cd1).AsByte());
        }
    }
}

/// <summary>AVX2: lanes of two int16 rows (sign-extended int8), <c>vpmaddwd</c> by two int16 weights, then added.</summary>
internal readonly unsafe struct Avx2DepthwiseTaps : IInt8DepthwiseTaps
{
    public static int RowsPerLane => 2;
    public static byte Flip => 0;

    public static Vector256<int> Add(Vector256<int> acc, int* lanes, Vector256<int> word) =>
        Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx.LoadVector256((short*)lanes), word.AsInt16()));

    public static void Interleave(byte* row, long step, int bytes, int* lanes)
    {
        byte* b = row + step;
        short* o = (short*)lanes;
        for (int i = 0; i < bytes; i += 16, o += 32)
        {
            Vector128<sbyte> va = Sse2.LoadVector128((sbyte*)row + i), vb = Sse2.LoadVector128((sbyte*)b + i);
            // Bytes a0 b0 a1 b1 ... sign-extended to int16 are the lanes' pairs.
            Avx.Store(o, Avx2.ConvertToVector256Int16(Sse2.UnpackLow(va, vb)));
            Avx.Store(o + 16, Avx2.ConvertToVector256Int16(Sse2.UnpackHigh(va, vb)));
        }
    }
}
