using GpuEngine.Profiling.Reports;
using ScottPlot;

namespace GpuEngine.Profiling.Plots;

/// <summary>
/// Per-layer latency and bytes of a profile report: a bar per row for its median latency (left axis) and a marker per
/// row for its analytic mem_rw (right axis), rows in report order; the busiest rows are named under the axis.
/// </summary>
public static class LayerPlot
{
    public static Plot Create(Report report)
    {
        int Column(string key) => report.Columns.ToList().FindIndex(c => c.Key == key) is var i and >= 0
            ? i : throw new ArgumentException($"report '{report.Title}' has no column '{key}'");
        int name = Column("name"), latency = Column("latency_median_ms"), bytes = Column("mem_rw");
        var rows = report.Rows;
        double[] xs = [.. Enumerable.Range(0, rows.Count).Select(i => (double)i)];
        double[] ms = [.. rows.Select(r => Convert.ToDouble(r[latency] ?? 0.0))];
        double[] rw = [.. rows.Select(r => Convert.ToDouble(r[bytes] ?? 0L))];
        var (divisor, unit) = PlotImage.ByteUnit(rw.DefaultIfEmpty(0).Max());

        var plot = new Plot();
        var bars = plot.Add.Bars(xs, ms);
        bars.Color = Colors.SteelBlue;
        bars.LegendText = "latency_median_ms";
        var traffic = plot.Add.ScatterPoints(xs, [.. rw.Select(b => b / divisor)], Colors.DarkOrange);
        traffic.MarkerSize = 7;
        traffic.Axes.YAxis = plot.Axes.Right;
        traffic.LegendText = $"mem_rw ({unit})";
        plot.ShowLegend(Alignment.UpperRight);

        // Name the slowest rows (at most 12) under the axis; the others stay numbered by position.
        var named = xs.Select(x => (int)x).OrderByDescending(i => ms[i]).Take(12).Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. named.Select(i => (double)i)], [.. named.Select(i => Short(Convert.ToString(rows[i][name]) ?? ""))]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 120;
        plot.Title($"{report.Title}: latency and bytes per row");
        plot.YLabel("median latency (ms)");
        plot.Axes.Right.Label.Text = $"mem_rw ({unit})";
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    private static string Short(string name) => name.Length <= 24 ? name : name[..10] + "~" + name[^13..];
}
