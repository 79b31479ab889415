using GpuEngine.Quantization;

namespace GpuEngine.Tests.Quantization;

public class CalibrationTests
{
    /// <summary>
    /// Gaussian values with two far outliers: min/max spends the int8 grid on the outliers, the 99.99th percentile clips
    /// them hard; MSE finds the threshold between. Errors are measured here by an independent quantize-dequantize,
    /// and a brute-force search over 2000 thresholds bounds the best possible.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MseClipsOutliersAndBeatsMinMaxAndPercentile(int seed)
    {
        var random = new Random(seed);
        var values = new float[200_000];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        values[random.Next(values.Length)] = 12f;
        values[random.Next(values.Length)] = -11f;
        float[][] samples = [values[..100_000], values[100_000..]];

        double maxAbs = values.Max(v => Math.Abs(v));
        double minMax = Calibration.Range(samples, new CalibrationOptions { Method = CalibrationMethod.MinMax });
        double percentile = Calibration.Range(samples, new CalibrationOptions { Method = CalibrationMethod.Percentile, Percentile = 99.99 });
        double mse = Calibration.Range(samples, new CalibrationOptions { Method = CalibrationMethod.Mse });

        Assert.Equal(maxAbs, minMax);
        Assert.True(mse < maxAbs, $"MSE threshold {mse} should clip below max |x| {maxAbs}");
        double error = Error(values, mse);
        Assert.True(error <= Error(values, minMax), $"MSE {error} vs min/max {Error(values, minMax)}");
        Assert.True(error <= Error(values, percentile), $"MSE {error} vs percentile {Error(values, percentile)}");
        double bruteForce = Enumerable.Range(1, 2000).Min(k => Error(values, maxAbs * k / 2000));
        Assert.True(error <= bruteForce * 1.01, $"MSE {error} vs brute-force minimum {bruteForce}");
    }

    [Fact]
    public void MseKeepsMinMaxWhereClippingGainsNothingAndZeroForZeros()
    {
        float[] twoLevels = [-1f, 1f, 1f, -1f];
        Assert.Equal(1.0, Calibration.MseThreshold(twoLevels));
        Assert.Equal(0.0, Calibration.MseThreshold(new float[16]));
        Assert.Contains("MSE", new CalibrationOptions { Method = CalibrationMethod.Mse }.Describe());
    }

    /// <summary>Quantize at scale threshold/127 (round half to even, saturate to int8) and back; mean squared error.</summary>
    private static double Error(float[] values, double threshold)
    {
        float scale = (float)(threshold / 127);
        double sum = 0;
        foreach (var v in values)
        {
            double q = Math.Max(-128, Math.Min(127, Math.Round(v / (double)scale, MidpointRounding.ToEven)));
            sum += (v - q * scale) * (v - q * scale);
        }
        return sum / values.Length;
    }
}
