namespace GpuEngine.Tests.Kernels;

/// <summary>
/// The integer reference for int8 kernels: gemmlowp's requantization written out on exact (decimal) arithmetic,
/// independent of the Int8Math code it checks, plus random per-channel multipliers and shifts.
/// </summary>
internal static class Int8Requant
{
    /// <summary>clamp(round(round(acc · multiplier / 2^31) / 2^shift) + zeroPoint, lo, hi) with gemmlowp's two roundings.</summary>
    public static sbyte Apply(long acc, int multiplier, int shift, int zeroPoint, int lo, int hi) =>
        (sbyte)Math.Clamp(Rescale(acc, multiplier, shift) + zeroPoint, lo, hi);

    /// <summary>round(round(acc · multiplier / 2^31) / 2^shift), gemmlowp's two roundings, unclamped.</summary>
    public static long Rescale(long acc, int multiplier, int shift)
    {
        long high = Int8Reference.RoundHalfUp(acc * (decimal)multiplier / (1L << 31));
        return Int8Reference.RoundHalfAwayFromZero((decimal)high / (1L << shift));
    }

    /// <summary>Multipliers in [2^30, 2^31) and shifts that map a sum of <paramref name="depth"/> int8 products to about ±64.</summary>
    public static (int[] Multipliers, int[] Shifts) RandomScales(Random random, int channels, int depth)
    {
        int baseShift = 7 + (int)Math.Ceiling(Math.Log2(Math.Max(depth, 1)) / 2);
        var multipliers = Enumerable.Range(0, channels).Select(_ => random.Next(1 << 30, int.MaxValue)).ToArray();
        var shifts = Enumerable.Range(0, channels).Select(_ => baseShift + random.Next(0, 2)).ToArray();
        return (multipliers, shifts);
    }

    /// <summary>Int8 bounds of a fused activation code (0 none, 1 ReLU, 2 ReLU6 with 6 ≈ 40 steps of the output scale).</summary>
    public static (int Min, int Max) Clamp(int activation, int zeroPoint) => activation switch
    {
        1 => (zeroPoint, 127),
        2 => (zeroPoint, Math.Min(127, zeroPoint + 40)),
        _ => (-128, 127),
    };

    /// <summary>Real scale (0, 1) as (multiplier in [2^30, 2^31), right shift), the quantization pass's job, for tests.</summary>
    public static (int Multiplier, int Shift) FromReal(double scale)
    {
        int shift = 0;
        while (scale < 0.5) { scale *= 2; shift++; }
        long m = (long)Math.Round(scale * (1L << 31));
        return m == 1L << 31 ? ((int)(m / 2), shift - 1) : ((int)m, shift);
    }
}
