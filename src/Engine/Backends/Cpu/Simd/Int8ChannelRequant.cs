using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// <see cref="Int8Epilogue.Requant8"/> and the fused store's zero point, clamp and narrowing for one channel, with the
/// channel's constants made once (a depthwise plane requantizes hundreds of vectors with the same ones). The same
/// integer steps, so the same bytes as <c>RequantizeKernels.Requant</c>; only for a multiplier other than int.MinValue
/// and a clamp inside int8 (<see cref="Vectorizes"/>).
/// </summary>
internal readonly struct Int8ChannelRequant
{
    private readonly Vector256<int> _multiplier, _mask, _half, _zeroPoint, _min, _max;
    private readonly Vector256<long> _nudge;
    private readonly Vector128<long> _shift;

    /// <summary>Whether the vector steps are exact for this channel: the doubling high mul cannot saturate, the narrowing cannot clip.</summary>
    public static bool Vectorizes(int multiplier, int clampMin, int clampMax) =>
        multiplier != int.MinValue && clampMin >= sbyte.MinValue && clampMax <= sbyte.MaxValue;

    /// <summary>The constants of a channel's multiplier and shift, and the layer's output zero point and clamp.</summary>
    public Int8ChannelRequant(int multiplier, int shift, int zeroPoint, int clampMin, int clampMax)
    {
        int mask = (int)((1L << shift) - 1);
        _multiplier = Vector256.Create(multiplier);
        _mask = Vector256.Create(mask);
        _half = Vector256.Create(mask >> 1);
        _shift = Vector128.CreateScalar((long)shift);
        _nudge = Vector256.Create(1L << 30);
        _zeroPoint = Vector256.Create(zeroPoint);
        _min = Vector256.Create(clampMin);
        _max = Vector256.Create(clampMax);
    }

    /// <summary>Eight sums requantized to int8, as the 8 bytes of a long (lane 0 lowest).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Narrow(Vector256<int> x)
    {
        // High mul: bits 31..62 of x·m + 2^30 (see Int8Epilogue.Requant8), even and odd lanes by vpmuldq.
        var even = Avx2.ShiftRightLogical(Avx2.Add(Avx2.Multiply(x, _multiplier), _nudge), 31).AsInt32();
        var odd = Avx2.ShiftLeftLogical(Avx2.Add(Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), _multiplier), _nudge), 1).AsInt32();
        var high = Avx2.Blend(even, odd, 0b10101010);
        // Rounding shift: (high >> e) + 1 where the remainder exceeds mask / 2 (plus one when high < 0).
        var remainder = Avx2.And(high, _mask);
        var threshold = Avx2.Subtract(_half, Avx2.CompareGreaterThan(Vector256<int>.Zero, high));
        var shifted = Avx2.ShiftRightArithmetic(high, _shift.AsInt32());
        var q = Avx2.Subtract(shifted, Avx2.CompareGreaterThan(remainder, threshold));
        q = Avx2.Min(Avx2.Max(Avx2.Add(q, _zeroPoint), _min), _max);
        var words = Sse2.PackSignedSaturate(q.GetLower(), q.GetUpper());
        return Sse2.PackSignedSaturate(words, words).AsInt64().ToScalar();
    }
}

/// <summary>
/// <see cref="Int8ChannelRequant"/> on 16 lanes (AVX-512F): the same integer steps, the high mul on even and odd
/// lanes by 512-bit <c>vpmuldq</c>, the narrowing by <c>vpmovsdb</c>. Exact under the same <see cref="Int8ChannelRequant.Vectorizes"/>.
/// </summary>
internal readonly struct Int8ChannelRequant16
{
    private readonly Vector512<int> _multiplier, _mask, _half, _zeroPoint, _min, _max, _oddLanes;
    private readonly Vector512<long> _nudge;
    private readonly Vector128<int> _shift;

    /// <summary>The constants of a channel's multiplier and shift, and the layer's output zero point and clamp.</summary>
    public Int8ChannelRequant16(int multiplier, int shift, int zeroPoint, int clampMin, int clampMax)
    {
        int mask = (int)((1L << shift) - 1);
        _multiplier = Vector512.Create(multiplier);
        _mask = Vector512.Create(mask);
        _half = Vector512.Create(mask >> 1);
        _shift = Vector128.CreateScalar(shift);
        _nudge = Vector512.Create(1L << 30);
        _zeroPoint = Vector512.Create(zeroPoint);
        _min = Vector512.Create(clampMin);
        _max = Vector512.Create(clampMax);
        _oddLanes = Vector512.Create(0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1);
    }

    /// <summary>Sixteen sums requantized to int8 (lane 0 first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<sbyte> Narrow(Vector512<int> x)
    {
        var even = Avx512F.ShiftRightLogical(Avx512F.Add(Avx512F.Multiply(x, _multiplier), _nudge), 31).AsInt32();
        var odd = Avx512F.ShiftLeftLogical(Avx512F.Add(Avx512F.Multiply(Avx512F.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), _multiplier), _nudge), 1).AsInt32();
        var high = Vector512.ConditionalSelect(_oddLanes, odd, even);
        var remainder = Avx512F.And(high, _mask);
        var threshold = Avx512F.Subtract(_half, Vector512.LessThan(high, Vector512<int>.Zero));
        var shifted = Avx512F.ShiftRightArithmetic(high, _shift);
        var q = Avx512F.Subtract(shifted, Vector512.GreaterThan(remainder, threshold));
        q = Avx512F.Min(Avx512F.Max(Avx512F.Add(q, _zeroPoint), _min), _max);
        return Avx512F.ConvertToVector128SByteWithSaturation(q);
    }
}
