namespace GpuEngine.Tests.Kernels;

/// <summary>Random inputs and comparisons shared by the kernel tests.</summary>
internal static class Reference
{
    /// <summary>Uniform floats in [-range, range), never all zero.</summary>
    public static float[] RandomFloats(Random random, int count, float range = 4f)
    {
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)(random.NextDouble() * 2 - 1) * range;
        return data;
    }

    /// <summary>Uniform int8 values over the full range.</summary>
    public static sbyte[] RandomInt8(Random random, int count)
    {
        var data = new sbyte[count];
        for (int i = 0; i < count; i++) data[i] = (sbyte)random.Next(-128, 128);
        return data;
    }

    /// <summary>Asserts |actual - expected| ≤ atol + rtol·|expected| everywhere, naming the first bad index.</summary>
    public static void AssertClose(double[] expected, float[] actual, double rtol = 1e-5, double atol = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i]),
                $"index {i}: expected {expected[i]}, got {actual[i]}");
    }
}
