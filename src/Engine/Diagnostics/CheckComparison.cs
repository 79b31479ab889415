using System.Globalization;

namespace GpuEngine.Diagnostics;

/// <summary>
/// How a device's output compared with the reference: fp32 by max absolute and relative error (max |a − e| / max |e|)
/// against a tolerance; int8 bit for bit (int8 values and the dequantized floats' bits).
/// </summary>
public sealed record CheckComparison(bool Passed, bool BitExactRule, double MaxAbsoluteError, double MaxRelativeError, double Tolerance,
    int Differing, int Count)
{
    /// <summary>The outcome in words: "bit-exact", "3 of 890 int8 values differ (max |Δq| 1)", or the two errors.</summary>
    public string Summary => BitExactRule
        ? Differing == 0 ? "bit-exact" : $"{Differing} of {Count} values differ (max |Δ| {MaxAbsoluteError.ToString("G3", CultureInfo.InvariantCulture)})"
        : $"max abs {MaxAbsoluteError.ToString("E2", CultureInfo.InvariantCulture)}, rel {MaxRelativeError.ToString("E2", CultureInfo.InvariantCulture)}";

    /// <summary>The rule in words: "bit-exact" or "rel ≤ 1E-04".</summary>
    public string Rule => BitExactRule ? "bit-exact" : $"rel <= {Tolerance.ToString("E0", CultureInfo.InvariantCulture)}";

    /// <summary>fp32: max |a − e| / max |e| must be at most <paramref name="tolerance"/>; NaN or infinity anywhere fails.</summary>
    public static CheckComparison Relative(CheckOutput expected, CheckOutput actual, double tolerance)
    {
        var (e, a) = (expected.Floats, actual.Floats);
        if (e.Length != a.Length) return new(false, false, double.PositiveInfinity, double.PositiveInfinity, tolerance, Math.Max(e.Length, a.Length), e.Length);
        double scale = 0, worst = 0;
        int differing = 0;
        for (int i = 0; i < e.Length; i++)
        {
            double error = float.IsFinite(a[i]) ? Math.Abs((double)e[i] - a[i]) : double.PositiveInfinity;
            if (error > 0) differing++;
            scale = Math.Max(scale, Math.Abs(e[i]));
            worst = Math.Max(worst, error);
        }
        double relative = scale == 0 ? worst : worst / scale;
        return new(relative <= tolerance, false, worst, relative, tolerance, differing, e.Length);
    }

    /// <summary>int8: every int8 value equal and every dequantized float the same bits.</summary>
    public static CheckComparison BitExact(CheckOutput expected, CheckOutput actual)
    {
        var (e, a) = (expected.Int8 ?? [], actual.Int8 ?? []);
        int count = Math.Max(e.Length, a.Length);
        if (e.Length != a.Length || expected.Floats.Length != actual.Floats.Length) return new(false, true, double.PositiveInfinity, double.PositiveInfinity, 0, count, count);
        int differing = 0;
        double worst = 0;
        for (int i = 0; i < e.Length; i++)
        {
            if (e[i] == a[i]) continue;
            differing++;
            worst = Math.Max(worst, Math.Abs(e[i] - a[i]));
        }
        for (int i = 0; i < expected.Floats.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected.Floats[i]) == BitConverter.SingleToInt32Bits(actual.Floats[i])) continue;
            if (i >= e.Length || e[i] == a[i]) differing++; // a float that differs where its int8 agrees (the Dequantize)
            worst = Math.Max(worst, i < e.Length ? Math.Abs(e[i] - a[i]) : double.PositiveInfinity);
        }
        return new(differing == 0, true, worst, differing == 0 ? 0 : double.PositiveInfinity, 0, differing, count);
    }
}
