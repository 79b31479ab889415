namespace GpuEngine.Tests.Reference;

/// <summary>The whole-output comparison the model-level tests use: max |expected - actual| / max |expected|.</summary>
internal static class OutputComparison
{
    public static void AssertMaxRelative(double[] expected, float[] actual, double tolerance, string what) =>
        AssertMaxRelative(expected, [.. actual.Select(v => (double)v)], tolerance, what);

    /// <summary>Fails when the outputs are too small to say anything (all near zero) or differ by more than the tolerance.</summary>
    public static void AssertMaxRelative(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs);
        Assert.True(scale > 1e-3, $"{what}: outputs too small to compare ({scale})");
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() / scale;
        Assert.True(worst <= tolerance, $"{what}: max relative error {worst:E2} > {tolerance:E0}");
    }
}
