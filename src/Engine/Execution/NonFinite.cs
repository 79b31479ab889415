namespace GpuEngine.Execution;

/// <summary>Counts NaN and infinite values: int8 sessions refuse inputs with any, the command line warns of them in fp32.</summary>
public static class NonFinite
{
    /// <summary>How many of <paramref name="values"/> are NaN or ±infinity.</summary>
    public static long Count(ReadOnlySpan<float> values)
    {
        long count = 0;
        foreach (var v in values)
            if (!float.IsFinite(v)) count++;
        return count;
    }
}
