namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// Median, 90th percentile and minimum of repeated timings in milliseconds. The median resists the outliers a shared
/// machine produces (a preempted run); p90 shows the spread; the minimum is the best the device did.
/// </summary>
public readonly record struct LatencyStats(double MedianMs, double P90Ms, double MinMs, int Runs)
{
    public static LatencyStats Zero { get; } = new(0, 0, 0, 0);

    /// <summary>Statistics of <paramref name="samples"/>; nearest-rank percentiles (no interpolation), zero when empty.</summary>
    public static LatencyStats Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0) return Zero;
        return new LatencyStats(Percentile(sorted, 0.5), Percentile(sorted, 0.9), sorted[0], sorted.Length);
    }

    /// <summary>Each statistic times <paramref name="factor"/>: a fused kernel's share for one of the layers it covers.</summary>
    public LatencyStats Scale(double factor) => new(MedianMs * factor, P90Ms * factor, MinMs * factor, Runs);

    /// <summary>Statistic by statistic sum: a layer covered by several kernels, or a report's totals row.</summary>
    public LatencyStats Plus(LatencyStats other) => new(MedianMs + other.MedianMs, P90Ms + other.P90Ms, MinMs + other.MinMs, Math.Max(Runs, other.Runs));

    /// <summary>Nearest rank: the smallest sample with at least <paramref name="p"/> of the samples at or below it.</summary>
    private static double Percentile(double[] sorted, double p)
    {
        int rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
