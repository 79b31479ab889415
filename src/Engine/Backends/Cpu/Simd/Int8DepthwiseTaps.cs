using System.Runtime.CompilerServices;
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

    /// <summary>16 lanes from 16 columns of the rows (<paramref name="c"/> and <paramref name="d"/> only where <see cref="RowsPerLane"/> is 4).</summary>
    static abstract void Interleave16(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, Vector128<byte> d, int* lanes);
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
        for (int i = 0; i < bytes; i += 16)
            Interleave16(Sse2.LoadVector128(row + i), Sse2.LoadVector128(b + i), Sse2.LoadVector128(c + i), Sse2.LoadVector128(d + i), lanes + i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interleave16(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, Vector128<byte> d, int* lanes)
    {
        var ab0 = Sse2.UnpackLow(a, b).AsInt16();
        var ab1 = Sse2.UnpackHigh(a, b).AsInt16();
        var cd0 = Sse2.UnpackLow(c, d).AsInt16();
        var cd1 = Sse2.UnpackHigh(c, d).AsInt16();
        Sse2.Store(lanes, Sse2.UnpackLow(ab0, cd0).AsInt32());
        Sse2.Store(lanes + 4, Sse2.UnpackHigh(ab0, cd0).AsInt32());
        Sse2.Store(lanes + 8, Sse2.UnpackLow(ab1, cd1).AsInt32());
        Sse2.Store(lanes + 12, Sse2.UnpackHigh(ab1, cd1).AsInt32());
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
        for (int i = 0; i < bytes; i += 16)
            Interleave16(Sse2.LoadVector128(row + i), Sse2.LoadVector128(b + i), default, default, lanes + i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interleave16(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, Vector128<byte> d, int* lanes)
    {
        // Bytes a0 b0 a1 b1 ... sign-extended to int16 are the lanes' pairs.
        Avx.Store((short*)lanes, Avx2.ConvertToVector256Int16(Sse2.UnpackLow(a, b).AsSByte()));
        Avx.Store((short*)(lanes + 8), Avx2.ConvertToVector256Int16(Sse2.UnpackHigh(a, b).AsSByte()));
    }
}
