using GpuEngine.Profiling.Costs;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Profiling.Reports;
using ScottPlot;

namespace GpuEngine.Profiling.Plots;

/// <summary>
/// The roofline of a profile, log-log: arithmetic intensity (analytic FLOP per byte) across, achieved GFLOP/s up; the
/// memory ceiling (copy GB/s x intensity) rising to the compute ceiling (GFLOP/s); one marker per kernel launch
/// at its median latency (the first launch of each step, which carries the step's analytic cost).
/// </summary>
public static class RooflinePlot
{
    public static Plot Create(SessionProfile profile, Roofline roof)
    {
        var stepOf = SessionSteps.Lookup(SessionSteps.Of(profile.Session));
        var seen = new HashSet<SessionStep>(ReferenceEqualityComparer.Instance);
        var points = new List<(double Intensity, double Gflops)>();
        foreach (var k in profile.Kernels)
        {
            var step = stepOf(k.Launch);
            if (!seen.Add(step)) continue;
            var c = step.Cost;
            double gflops = ProfileRow.Rate(c.Flops, k.Latency.MedianMs);
            if (c.Flops > 0 && c.MemRw > 0 && gflops > 0) points.Add((ProfileRow.Intensity(c.Flops, c.MemRw), gflops));
        }
        double lo = Math.Min(points.Select(p => p.Intensity).DefaultIfEmpty(1).Min(), roof.RidgeIntensity) / 2;
        double hi = Math.Max(points.Select(p => p.Intensity).DefaultIfEmpty(1).Max(), roof.RidgeIntensity) * 2;

        var plot = new Plot();
        double[] roofX = [lo, roof.RidgeIntensity, hi];
        var ceiling = plot.Add.ScatterLine(roofX.Select(Math.Log10).ToArray(), roofX.Select(x => Math.Log10(roof.Attainable(x))).ToArray(), Colors.DarkRed);
        ceiling.LineWidth = 2;
        ceiling.LegendText = $"roofline: copy {NumberFormat.Fixed(roof.PeakGbps, 2)} GB/s, compute {NumberFormat.Fixed(roof.PeakGflops, 2)} GFLOP/s";
        var kernels = plot.Add.ScatterPoints(points.Select(p => Math.Log10(p.Intensity)).ToArray(), points.Select(p => Math.Log10(p.Gflops)).ToArray(), Colors.SteelBlue);
        kernels.MarkerSize = 8;
        kernels.LegendText = $"kernels ({points.Count}), median latency";
        plot.ShowLegend(Alignment.LowerRight);
        PlotImage.LogAxis(plot.Axes.Bottom);
        PlotImage.LogAxis(plot.Axes.Left);
        plot.Title($"{profile.Session.Model.Name} ({CostPrecision.Of(profile.Session.Plan.Options)}): roofline on {roof.Device}");
        plot.XLabel("arithmetic intensity (FLOP/byte, analytic)");
        plot.YLabel("achieved GFLOP/s");
        return plot;
    }
}
