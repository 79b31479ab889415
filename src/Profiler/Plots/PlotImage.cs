using GpuEngine.Profiling.Reports;
using ScottPlot;

namespace GpuEngine.Profiling.Plots;

/// <summary>The file formats a plot is written in.</summary>
public enum PlotFormat
{
    Png,
    Svg,
}

/// <summary>Renders a ScottPlot <see cref="Plot"/> to the bytes of a PNG or SVG file, in one size every plot shares.</summary>
public static class PlotImage
{
    public const int Width = 1200, Height = 700;

    /// <summary>The plot as PNG bytes or as SVG text (UTF-8).</summary>
    public static byte[] Render(Plot plot, PlotFormat format, int width = Width, int height = Height) => format == PlotFormat.Png
        ? plot.GetImage(width, height).GetImageBytes(ImageFormat.Png)
        : System.Text.Encoding.UTF8.GetBytes(plot.GetSvgXml(width, height));

    /// <summary>png or svg, from the name a command line gives.</summary>
    public static PlotFormat? Parse(string format) => format.Trim().ToLowerInvariant() switch
    {
        "png" => PlotFormat.Png,
        "svg" => PlotFormat.Svg,
        _ => null,
    };

    /// <summary>Bytes in the unit that keeps tick labels short: B, KiB or MiB (1 KiB = 1024 B).</summary>
    public static (double Divisor, string Unit) ByteUnit(double largest) =>
        largest >= 2 << 20 ? (1 << 20, "MiB") : largest >= 2 << 10 ? (1 << 10, "KiB") : (1, "B");

    /// <summary>
    /// Ticks of a log10 axis (values are plotted as their logarithm): a label at each decade, minor ticks between.
    /// Skia's SVG writer cannot draw dashed lines (it prints a warning on stdout), so plots use solid lines only.
    /// </summary>
    public static void LogAxis(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => NumberFormat.Significant(Math.Pow(10, Math.Round(v)), 1),
        };
    }
}
