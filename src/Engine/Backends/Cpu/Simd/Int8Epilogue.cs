using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// Where an int8 SIMD kernel's int32 sum (bias included) goes, exactly as the reference kernels store it: requantized
/// (mode Fused), or written / added to the int32 addsum buffer. One sum goes through <see cref="RequantizeKernels.Requant"/>
/// itself; eight consecutive ones through <see cref="Requant8"/>, the same integer steps on AVX2 lanes.
/// </summary>
internal readonly unsafe struct Int8Epilogue(int mode, int* multiplier, int* shift, sbyte* output, int* accumulator,
    int outputZeroPoint, int clampMin, int clampMax)
{
    // The vector store narrows with saturation; exact only when the clamp already keeps values in int8 (always, from the quantizer).
    private readonly bool _vectorRequant = clampMin >= sbyte.MinValue && clampMax <= sbyte.MaxValue;

    /// <summary>Stores <paramref name="sum"/> of <paramref name="channel"/> at element <paramref name="index"/>.</summary>
    public void Store(int sum, int channel, int index)
    {
        if (mode == RequantizeKernels.Fused)
            output[index] = RequantizeKernels.Requant(sum, multiplier[channel], shift[channel], outputZeroPoint, clampMin, clampMax);
        else if (mode == RequantizeKernels.AddSumWrite) accumulator[index] = sum;
        else accumulator[index] += sum;
    }

    /// <summary>Stores 8 sums of one channel at elements [index, index + 8).</summary>
    public void Store8(Vector256<int> sums, int channel, int index)
    {
        if (mode == RequantizeKernels.Fused)
        {
            int m = multiplier[channel];
            if (!_vectorRequant || m == int.MinValue)
            {
                for (int j = 0; j < 8; j++) Store(sums.GetElement(j), channel, index + j);
                return;
            }
            var q = Requant8(sums, m, shift[channel]);
            q = Avx2.Min(Avx2.Max(Avx2.Add(q, Vector256.Create(outputZeroPoint)), Vector256.Create(clampMin)), Vector256.Create(clampMax));
            var words = Sse2.PackSignedSaturate(q.GetLower(), q.GetUpper());
            *(long*)(output + index) = Sse2.PackSignedSaturate(words, words).AsInt64().ToScalar();
        }
        else if (mode == RequantizeKernels.AddSumWrite) Avx.Store(accumulator + index, sums);
        else Avx.Store(accumulator + index, Avx2.Add(Avx.LoadVector256(accumulator + index), sums));
    }

    /// <summary>
    /// Stores the sums of 8 consecutive channels <paramref name="channel"/> .. + 7 of one output element: channel j at
    /// <paramref name="index"/> + j·<paramref name="channelStride"/> (a pixel of an NCHW output, one lane per channel).
    /// </summary>
    public void StoreChannels8(Vector256<int> sums, int channel, int index, int channelStride)
    {
        if (mode == RequantizeKernels.Fused && _vectorRequant)
        {
            var m = Avx.LoadVector256(multiplier + channel);
            if (Avx2.MoveMask(Avx2.CompareEqual(m, Vector256.Create(int.MinValue)).AsByte()) == 0)
            {
                var q = Requant8Lanes(sums, m, Avx.LoadVector256(shift + channel));
                q = Avx2.Min(Avx2.Max(Avx2.Add(q, Vector256.Create(outputZeroPoint)), Vector256.Create(clampMin)), Vector256.Create(clampMax));
                var words = Sse2.PackSignedSaturate(q.GetLower(), q.GetUpper());
                ulong bytes = Sse2.PackSignedSaturate(words, words).AsUInt64().ToScalar();
                sbyte* o = output + index;
                for (int j = 0; j < 8; j++, o += channelStride, bytes >>= 8) *o = (sbyte)bytes;
                return;
            }
        }
        for (int j = 0; j < 8; j++) Store(sums.GetElement(j), channel + j, index + j * channelStride);
    }

    /// <summary>
    /// Stores a tile of <paramref name="n"/> (≤ 8) pixels × 16 channels, <paramref name="sums"/> [pixel][16] plus
    /// <paramref name="add0"/> / <paramref name="add1"/> per channel, when the pixels are consecutive outputs
    /// (<paramref name="index"/> + i for channel <paramref name="channel"/>, channels <paramref name="channelStride"/>
    /// apart): requantized per lane, the bytes transposed to [channel][pixel] by unpacks, n bytes a channel stored at
    /// once. Returns false (nothing stored) unless the mode is Fused and the vector requantization is exact.
    /// <paramref name="wide"/>: requantize on AVX-512 (<see cref="RequantRow16"/>; the caller checked Avx512F at bind time).
    /// </summary>
    [SkipLocalsInit] // its stack rows are all written before they are read: no zeroing per tile
    public bool TryStoreFused16(int* sums, int n, Vector256<int> add0, Vector256<int> add1, int channel, int index, int channelStride, bool wide)
    {
        if (mode != RequantizeKernels.Fused || !_vectorRequant) return false;
        var m0 = Avx.LoadVector256(multiplier + channel);
        var m1 = Avx.LoadVector256(multiplier + channel + 8);
        var min = Vector256.Create(int.MinValue);
        if (Avx2.MoveMask(Avx2.Or(Avx2.CompareEqual(m0, min), Avx2.CompareEqual(m1, min)).AsByte()) != 0) return false;
        var s0 = Avx.LoadVector256(shift + channel);
        var s1 = Avx.LoadVector256(shift + channel + 8);
        var zp = Vector256.Create(outputZeroPoint);
        var lo = Vector256.Create(clampMin);
        var hi = Vector256.Create(clampMax);
        var rows = stackalloc Vector128<sbyte>[8];
        for (int i = n; i < 8; i++) rows[i] = default;
        if (wide)
        {
            var add = Vector512.Create(add0, add1);
            var m = Vector512.Create(m0, m1);
            var sh = Vector512.Create(s0, s1);
            for (int i = 0; i < n; i++)
                rows[i] = RequantRow16(Avx512F.Add(Avx512F.LoadVector512(sums + i * 16), add), m, sh, outputZeroPoint, clampMin, clampMax);
        }
        for (int i = 0; i < n && !wide; i++)
        {
            var q0 = Avx2.Min(Avx2.Max(Avx2.Add(Requant8Lanes(Avx2.Add(Avx.LoadVector256(sums + i * 16), add0), m0, s0), zp), lo), hi);
            var q1 = Avx2.Min(Avx2.Max(Avx2.Add(Requant8Lanes(Avx2.Add(Avx.LoadVector256(sums + i * 16 + 8), add1), m1, s1), zp), lo), hi);
            rows[i] = Sse2.PackSignedSaturate(Sse2.PackSignedSaturate(q0.GetLower(), q0.GetUpper()), Sse2.PackSignedSaturate(q1.GetLower(), q1.GetUpper()));
        }
        // [pixel][channel] bytes -> [channel][pixel]: bytes, words, then dwords of pixel pairs interleaved.
        var t = stackalloc Vector128<sbyte>[8];
        for (int i = 0; i < 4; i++)
        {
            t[2 * i] = Sse2.UnpackLow(rows[2 * i], rows[2 * i + 1]);
            t[2 * i + 1] = Sse2.UnpackHigh(rows[2 * i], rows[2 * i + 1]);
        }
        var u = stackalloc Vector128<short>[8];
        for (int h = 0; h < 2; h++)
            for (int i = 0; i < 2; i++)
            {
                var a = t[4 * h + i].AsInt16();
                var b = t[4 * h + i + 2].AsInt16();
                u[4 * h + 2 * i] = Sse2.UnpackLow(a, b);
                u[4 * h + 2 * i + 1] = Sse2.UnpackHigh(a, b);
            }
        sbyte* o = output + index;
        for (int i = 0; i < 4; i++)
        {
            var a = u[i].AsInt32();
            var b = u[i + 4].AsInt32();
            var v0 = Sse2.UnpackLow(a, b).AsUInt64();
            var v1 = Sse2.UnpackHigh(a, b).AsUInt64();
            int c = 4 * i;
            StoreBytes(o + c * channelStride, v0.ToScalar(), n);
            StoreBytes(o + (c + 1) * channelStride, Sse41.X64.Extract(v0, 1), n);
            StoreBytes(o + (c + 2) * channelStride, v1.ToScalar(), n);
            StoreBytes(o + (c + 3) * channelStride, Sse41.X64.Extract(v1, 1), n);
        }
        return true;
    }

    /// <summary>
    /// <see cref="TryStoreFused16"/> for exactly 8 pixels on AVX-512 (the caller checked Avx512F): the per-channel
    /// parts of the requantization computed once, the 8 rows requantized, transposed and stored (one 8-byte store a
    /// channel) all in registers. <paramref name="add"/>: the 16 channels' bias minus correction.
    /// </summary>
    public bool TryStoreFused16x8(int* sums, Vector512<int> add, int channel, int index, int channelStride)
    {
        if (mode != RequantizeKernels.Fused || !_vectorRequant) return false;
        var m = Avx512F.LoadVector512(multiplier + channel);
        if (Vector512.EqualsAny(m, Vector512.Create(int.MinValue))) return false;
        var r = new Requant16(m, Avx512F.LoadVector512(shift + channel), outputZeroPoint, clampMin, clampMax);
        var r0 = r.Row(Avx512F.Add(Avx512F.LoadVector512(sums), add));
        var r1 = r.Row(Avx512F.Add(Avx512F.LoadVector512(sums + 16), add));
        var r2 = r.Row(Avx512F.Add(Avx512F.LoadVector512(sums + 32), add));
        var r3 = r.Row(Avx512F.Add(Avx512F.LoadVector512(sums + 48), add));
        var r4 = r.Row(Avx512F.Add(Avx512F.LoadVector512(sums + 64), add));
        var r5 = r.Row(Avx512F.Add(Avx512F.LoadVector512(sums + 80), add));
        var r6 = r.Row(Avx512F.Add(Avx512F.LoadVector512(sums + 96), add));
        var r7 = r.Row(Avx512F.Add(Avx512F.LoadVector512(sums + 112), add));
        // [pixel][channel] -> [channel][pixel]: bytes of pixel pairs, words of pixel quads, then dwords of both quads.
        var t0 = Sse2.UnpackLow(r0, r1).AsInt16();
        var t1 = Sse2.UnpackHigh(r0, r1).AsInt16();
        var t2 = Sse2.UnpackLow(r2, r3).AsInt16();
        var t3 = Sse2.UnpackHigh(r2, r3).AsInt16();
        var t4 = Sse2.UnpackLow(r4, r5).AsInt16();
        var t5 = Sse2.UnpackHigh(r4, r5).AsInt16();
        var t6 = Sse2.UnpackLow(r6, r7).AsInt16();
        var t7 = Sse2.UnpackHigh(r6, r7).AsInt16();
        sbyte* o = output + index;
        StoreQuads(o, channelStride, Sse2.UnpackLow(t0, t2).AsInt32(), Sse2.UnpackLow(t4, t6).AsInt32());
        StoreQuads(o + 4 * channelStride, channelStride, Sse2.UnpackHigh(t0, t2).AsInt32(), Sse2.UnpackHigh(t4, t6).AsInt32());
        StoreQuads(o + 8 * channelStride, channelStride, Sse2.UnpackLow(t1, t3).AsInt32(), Sse2.UnpackLow(t5, t7).AsInt32());
        StoreQuads(o + 12 * channelStride, channelStride, Sse2.UnpackHigh(t1, t3).AsInt32(), Sse2.UnpackHigh(t5, t7).AsInt32());
        return true;
    }

    /// <summary>Four channels' 8 bytes: pixels 0..3 of each in <paramref name="first"/>, pixels 4..7 in <paramref name="second"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreQuads(sbyte* o, int channelStride, Vector128<int> first, Vector128<int> second)
    {
        var v0 = Sse2.UnpackLow(first, second).AsDouble();
        var v1 = Sse2.UnpackHigh(first, second).AsDouble();
        Sse2.StoreLow((double*)o, v0);
        Sse2.StoreHigh((double*)(o + channelStride), v0);
        Sse2.StoreLow((double*)(o + 2 * channelStride), v1);
        Sse2.StoreHigh((double*)(o + 3 * channelStride), v1);
    }

    /// <summary><see cref="RequantRow16"/> with the per-channel vectors (odd multipliers, masks) made once for many rows.</summary>
    private readonly struct Requant16(Vector512<int> multiplier, Vector512<int> shift, int zeroPoint, int clampMin, int clampMax)
    {
        private readonly Vector512<int> _m = multiplier;
        private readonly Vector512<int> _oddM = Avx512F.ShiftRightLogical(multiplier.AsInt64(), 32).AsInt32();
        private readonly Vector512<uint> _count = shift.AsUInt32();
        private readonly Vector512<int> _mask = Avx512F.Subtract(Avx512F.ShiftLeftLogicalVariable(Vector512.Create(1), shift.AsUInt32()), Vector512.Create(1));
        private readonly Vector512<int> _half = Avx512F.ShiftRightArithmetic(
            Avx512F.Subtract(Avx512F.ShiftLeftLogicalVariable(Vector512.Create(1), shift.AsUInt32()), Vector512.Create(1)), 1);
        private readonly Vector512<int> _zp = Vector512.Create(zeroPoint), _lo = Vector512.Create(clampMin), _hi = Vector512.Create(clampMax);

        /// <summary>One pixel's 16 channel sums requantized, offset, clamped and narrowed: the steps of <see cref="RequantRow16"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<sbyte> Row(Vector512<int> x)
        {
            var nudge = Vector512.Create(1L << 30);
            var low = Vector512.Create(0xFFFFFFFFL);
            var even = Avx512F.ShiftRightLogical(Avx512F.Add(Avx512F.Multiply(x, _m), nudge), 31);
            var oddX = Avx512F.ShiftRightLogical(x.AsInt64(), 32).AsInt32();
            var odd = Avx512F.ShiftLeftLogical(Avx512F.Add(Avx512F.Multiply(oddX, _oddM), nudge), 1);
            var high = Avx512F.Or(Avx512F.And(even, low), Avx512F.AndNot(low, odd)).AsInt32();
            var remainder = Avx512F.And(high, _mask);
            var threshold = Avx512F.Subtract(_half, Avx512F.CompareGreaterThan(Vector512<int>.Zero, high));
            var q = Avx512F.Subtract(Avx512F.ShiftRightArithmeticVariable(high, _count), Avx512F.CompareGreaterThan(remainder, threshold));
            q = Avx512F.Min(Avx512F.Max(Avx512F.Add(q, _zp), _lo), _hi);
            return Avx512F.ConvertToVector128SByteWithSaturation(q);
        }
    }

    /// <summary>
    /// <see cref="Requant8Lanes"/> on 16 lanes of AVX-512 (one pixel's 16 channels), the zero point added, clamped and
    /// narrowed with <c>vpmovsdb</c>: the same integer steps, half the instructions.
    /// </summary>
    private static Vector128<sbyte> RequantRow16(Vector512<int> x, Vector512<int> multiplier, Vector512<int> shift, int zeroPoint, int clampMin, int clampMax)
    {
        var nudge = Vector512.Create(1L << 30);
        var low = Vector512.Create(0xFFFFFFFFL);
        var even = Avx512F.ShiftRightLogical(Avx512F.Add(Avx512F.Multiply(x, multiplier), nudge), 31);
        var oddX = Avx512F.ShiftRightLogical(x.AsInt64(), 32).AsInt32();
        var oddM = Avx512F.ShiftRightLogical(multiplier.AsInt64(), 32).AsInt32();
        var odd = Avx512F.ShiftLeftLogical(Avx512F.Add(Avx512F.Multiply(oddX, oddM), nudge), 1);
        var high = Avx512F.Or(Avx512F.And(even, low), Avx512F.AndNot(low, odd)).AsInt32();
        var count = shift.AsUInt32();
        var one = Vector512.Create(1);
        var mask = Avx512F.Subtract(Avx512F.ShiftLeftLogicalVariable(one, count), one);
        var remainder = Avx512F.And(high, mask);
        var threshold = Avx512F.Subtract(Avx512F.ShiftRightArithmetic(mask, 1), Avx512F.CompareGreaterThan(Vector512<int>.Zero, high));
        var q = Avx512F.Subtract(Avx512F.ShiftRightArithmeticVariable(high, count), Avx512F.CompareGreaterThan(remainder, threshold));
        q = Avx512F.Min(Avx512F.Max(Avx512F.Add(q, Vector512.Create(zeroPoint)), Vector512.Create(clampMin)), Vector512.Create(clampMax));
        return Avx512F.ConvertToVector128SByteWithSaturation(q);
    }

    /// <summary>The low <paramref name="n"/> bytes of <paramref name="bytes"/> at <paramref name="o"/>, in as few stores as fit.</summary>
    private static void StoreBytes(sbyte* o, ulong bytes, int n)
    {
        if (n == 8)
        {
            *(ulong*)o = bytes;
            return;
        }
        if (n >= 4)
        {
            *(uint*)o = (uint)bytes;
            bytes >>= 32;
            o += 4;
            n -= 4;
        }
        for (; n > 0; n--, o++, bytes >>= 8) *o = (sbyte)bytes;
    }

    /// <summary>
    /// <see cref="Requant8"/> with a multiplier and a shift per lane (each lane its own channel; no multiplier is
    /// int.MinValue). The same integer steps, with the variable shifts <c>vpsllvd</c> / <c>vpsravd</c>.
    /// </summary>
    public static Vector256<int> Requant8Lanes(Vector256<int> x, Vector256<int> multiplier, Vector256<int> shift)
    {
        var nudge = Vector256.Create(1L << 30);
        var even = Avx2.ShiftRightLogical(Avx2.Add(Avx2.Multiply(x, multiplier), nudge), 31).AsInt32();
        var oddX = Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32();
        var oddM = Avx2.ShiftRightLogical(multiplier.AsInt64(), 32).AsInt32();
        var odd = Avx2.ShiftLeftLogical(Avx2.Add(Avx2.Multiply(oddX, oddM), nudge), 1).AsInt32();
        var high = Avx2.Blend(even, odd, 0b10101010);
        var count = shift.AsUInt32();
        var mask = Avx2.Subtract(Avx2.ShiftLeftLogicalVariable(Vector256.Create(1), count), Vector256.Create(1));
        var remainder = Avx2.And(high, mask);
        var threshold = Avx2.Subtract(Avx2.ShiftRightArithmetic(mask, 1), Avx2.CompareGreaterThan(Vector256<int>.Zero, high));
        var shifted = Avx2.ShiftRightArithmeticVariable(high, count);
        return Avx2.Subtract(shifted, Avx2.CompareGreaterThan(remainder, threshold));
    }

    /// <summary>
    /// <c>Int8Math.MultiplyByQuantizedMultiplier</c> on 8 lanes (multiplier ≠ int.MinValue, so the doubling high mul
    /// never saturates). High mul: trunc((x·m + nudge) / 2^31) with nudge ±2^30 equals floor((x·m + 2^30) / 2^31) for
    /// either sign, bits 31..62 of x·m + 2^30 (vpmuldq on even and odd lanes). Then the rounding shift: (x >> e) + 1
    /// where the remainder exceeds (mask >> 1), plus one when x &lt; 0.
    /// </summary>
    public static Vector256<int> Requant8(Vector256<int> x, int multiplier, int shift)
    {
        var m = Vector256.Create(multiplier);
        var nudge = Vector256.Create(1L << 30);
        var even = Avx2.ShiftRightLogical(Avx2.Add(Avx2.Multiply(x, m), nudge), 31).AsInt32();
        var odd = Avx2.ShiftLeftLogical(Avx2.Add(Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), m), nudge), 1).AsInt32();
        var high = Avx2.Blend(even, odd, 0b10101010);
        int mask = (int)((1L << shift) - 1);
        var remainder = Avx2.And(high, Vector256.Create(mask));
        var threshold = Avx2.Subtract(Vector256.Create(mask >> 1), Avx2.CompareGreaterThan(Vector256<int>.Zero, high));
        var shifted = Avx2.ShiftRightArithmetic(high, Vector128.CreateScalar(shift));
        return Avx2.Subtract(shifted, Avx2.CompareGreaterThan(remainder, threshold));
    }
}

/// <summary>Per-thread scratch of the int8 SIMD kernels: grown when a layer needs more, never freed, so a steady run allocates nothing.</summary>
internal static class Int8Scratch
{
    [ThreadStatic] private static byte[]? t_bytes;

    /// <summary>A pinned array of at least <paramref name="bytes"/> bytes (plus 64 of slack for vector over-reads), this thread's own.</summary>
    public static byte[] Get(int bytes)
    {
        var current = t_bytes;
        if (current is null || current.Length < bytes + 64)
            t_bytes = current = GC.AllocateArray<byte>(Math.Max(bytes + 64, 1 << 16), pinned: true);
        return current;
    }
}

/// <summary>How the int8 kernels spread their jobs: over the cores, or on the calling thread when the launch is small.</summary>
internal static class Int8Jobs
{
    /// <summary>
    /// Below this many multiply-adds an int8 launch runs on the calling thread alone (int8 multiply-adds are about a
    /// quarter of an fp32 one's cost, hence twice <see cref="CpuTacticRun.ParallelFromMacs"/>): waking a worker costs more.
    /// </summary>
    public static long ParallelFromMacs { get; } = 2 * CpuTacticRun.ParallelFromMacs;

    /// <summary>Runs jobs 0 .. <paramref name="count"/> − 1 of <paramref name="body"/>.</summary>
    public static void Run(int count, ICpuParallelBody body, long macs) => CpuTacticRun.Spread(count, body, macs, ParallelFromMacs);
}
