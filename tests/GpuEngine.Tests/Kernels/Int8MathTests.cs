using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

/// <summary>Exact checks of the int8 intrinsics' CPU bodies against decimal arithmetic.</summary>
public class Int8MathTests
{
    [Fact]
    public void Dot4_MatchesBytewiseProducts()
    {
        var random = new Random(4);
        for (int trial = 0; trial < 10000; trial++)
        {
            int a = random.Next(int.MinValue, int.MaxValue), b = random.Next(int.MinValue, int.MaxValue), c = random.Next(-1000, 1000);
            int expected = c;
            for (int lane = 0; lane < 4; lane++) expected += (sbyte)(a >> (8 * lane)) * (sbyte)(b >> (8 * lane));
            Assert.Equal(expected, Int8Math.Dot4(a, b, c));
        }
    }

    [Fact]
    public void Load4_PacksLittleEndian()
    {
        var view = new View<sbyte>([1, -2, 3, -128, 127]);
        Assert.Equal(unchecked((int)0x8003FE01), global::GpuEngine.Kernels.CpuForm.Int8Math.Load4(view, 0));
        Assert.Equal(0x7F80_03FE, global::GpuEngine.Kernels.CpuForm.Int8Math.Load4(view, 1));
    }

    [Fact]
    public void RoundingDivideByPOT_RoundsHalfAwayFromZero()
    {
        var random = new Random(5);
        foreach (int x in Samples(random))
            for (int exponent = 0; exponent <= 31; exponent++)
                Assert.Equal(Int8Reference.RoundHalfAwayFromZero((decimal)x / (1L << exponent)), Int8Math.RoundingDivideByPOT(x, exponent));
    }

    [Fact]
    public void SaturatingRoundingDoublingHighMul_MatchesExactProductRoundedHalfUp()
    {
        var random = new Random(6);
        var samples = Samples(random).ToArray();
        foreach (int a in samples)
            foreach (int b in samples.Take(60))
            {
                long expected = a == int.MinValue && b == int.MinValue ? int.MaxValue
                    : Int8Reference.RoundHalfUp((decimal)a * b / (1L << 31));
                Assert.Equal(expected, Int8Math.SaturatingRoundingDoublingHighMul(a, b));
            }
    }

    [Fact]
    public void Saturate_ClampsToInt8AndUInt8()
    {
        Assert.Equal(-128, Int8Math.SaturateToSByte(-1000));
        Assert.Equal(127, Int8Math.SaturateToSByte(128));
        Assert.Equal(-5, Int8Math.SaturateToSByte(-5));
        Assert.Equal(0, Int8Math.SaturateToByte(-1));
        Assert.Equal(255, Int8Math.SaturateToByte(256));
    }

    private static IEnumerable<int> Samples(Random random)
    {
        foreach (int edge in new[] { 0, 1, -1, 2, -2, 3, -3, int.MaxValue, int.MinValue, int.MinValue + 1, 1 << 30, -(1 << 30) })
            yield return edge;
        for (int i = 0; i < 200; i++) yield return random.Next(int.MinValue, int.MaxValue) >> random.Next(0, 31);
    }
}

/// <summary>Independent rounding reference: decimal arithmetic, exact for these magnitudes.</summary>
internal static class Int8Reference
{
    /// <summary>RoundingDivideByPOT's rounding.</summary>
    public static long RoundHalfAwayFromZero(decimal value) => (long)Math.Round(value, MidpointRounding.AwayFromZero);

    /// <summary>SaturatingRoundingDoublingHighMul's rounding: gemmlowp's nudge makes ties go towards +infinity (-0.5 → 0).</summary>
    public static long RoundHalfUp(decimal value) => (long)Math.Floor(value + 0.5m);
}
