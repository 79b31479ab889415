using System.Globalization;
using System.Text.RegularExpressions;

namespace GpuEngine.Profiling.Validation;

/// <summary>
/// Numbers as people write them in tables: "150K", "3.2M", "~138M", "1,728", "2,3M".
/// K = 1e3, M = 1e6 (the VGG notes use 224*224*3 = 150K). A comma before one or two digits and a unit
/// is a decimal comma — a typo in an English table, reported as such.
/// </summary>
public sealed partial record HumanNumber(double Value, double Unit, int Decimals, bool DecimalComma, bool Approximate)
{
    public static HumanNumber? Parse(string text)
    {
        var t = text.Replace("$", "").Replace(" ", "").Trim();
        bool approximate = t.StartsWith('~');
        t = t.TrimStart('~');
        var m = Pattern().Match(t);
        if (!m.Success) return null;
        string digits = m.Groups["digits"].Value;
        double unit = m.Groups["unit"].Value switch { "K" => 1e3, "M" => 1e6, "G" => 1e9, _ => 1 };
        bool decimalComma = false;
        if (ThousandsGroups().IsMatch(digits) && unit == 1)
        {
            digits = digits.Replace(",", ""); // 1,728 = 1728
        }
        else if (digits.Contains(','))
        {
            decimalComma = true; // 2,3M = 2.3M
            digits = digits.Replace(',', '.');
        }
        int decimals = digits.Contains('.') ? digits.Length - digits.IndexOf('.') - 1 : 0;
        return new HumanNumber(double.Parse(digits, CultureInfo.InvariantCulture), unit, decimals, decimalComma, approximate);
    }

    /// <summary>
    /// True when <paramref name="exact"/> written at this number's unit and precision gives this number,
    /// by rounding or by truncation (tables do both): the difference is under one unit in the last place.
    /// </summary>
    public bool Matches(long exact)
    {
        double scaled = exact / Unit;
        double lastPlace = Math.Pow(10, -Decimals);
        return Math.Abs(scaled - Value) < lastPlace - 1e-12 * lastPlace || (Unit == 1 && Decimals == 0 && scaled == Value);
    }

    [GeneratedRegex(@"^(?<digits>\d+(?:[.,]\d+)*)(?<unit>[KMG]?)$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^\d{1,3}(,\d{3})+$")]
    private static partial Regex ThousandsGroups();
}
