using System.Globalization;

namespace GpuEngine.Profiling.Reports;

/// <summary>
/// The one style every verb prints numbers in for people: counts and bytes with thousands separators, times in
/// milliseconds with fixed decimals, small values (errors, tolerances) in fixed notation — never exponent notation.
/// </summary>
public static class NumberFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A count with thousands separators: 1,234,567.</summary>
    public static string Count(long value) => value.ToString("N0", Invariant);

    /// <summary>Bytes with thousands separators and the unit: 200,704 B.</summary>
    public static string Bytes(long value) => Count(value) + " B";

    /// <summary>A real with <paramref name="decimals"/> fixed decimals and thousands separators ("N" never uses an exponent).</summary>
    public static string Fixed(double value, int decimals) =>
        double.IsFinite(value) ? value.ToString("N" + Math.Clamp(decimals, 0, 15), Invariant) : value.ToString(Invariant);

    /// <summary>Milliseconds with three decimals and the unit: 12.345 ms.</summary>
    public static string Milliseconds(double value) => Fixed(value, 3) + " ms";

    /// <summary>
    /// A value of any size with <paramref name="digits"/> significant digits in fixed notation: 0.000000118, 3.14, 1,234,568.
    /// For relative errors and tolerances, which span many decades.
    /// </summary>
    public static string Significant(double value, int digits = 3)
    {
        if (value == 0 || !double.IsFinite(value)) return Fixed(value, 0);
        int magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        return Fixed(value, Math.Max(0, digits - 1 - magnitude));
    }
}
