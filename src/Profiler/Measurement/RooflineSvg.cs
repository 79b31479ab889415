using System.Globalization;
using System.Security;
using GpuEngine.Profiling.Costs;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// The roofline of a profile as a standalone SVG: log-log axes, arithmetic intensity (FLOP/byte, analytic) across and
/// achieved GFLOP/s up; the memory ceiling (copy GB/s x intensity) and the compute ceiling (matmul GFLOP/s) as lines;
/// one dot per kernel launch (hover for its name, latency and rates).
/// </summary>
public static class RooflineSvg
{
    private const double Left = 90, Right = 40, Top = 60, Bottom = 60, Width = 900, Height = 560;

    public static void Write(SessionProfile profile, Roofline roof, TextWriter w)
    {
        var steps = SessionSteps.Of(profile.Session).ToDictionary(s => s.Name);
        var seen = new HashSet<string>();
        var points = new List<(string Label, double Intensity, double Gflops)>();
        foreach (var k in profile.Kernels)
        {
            if (!seen.Add(k.Launch.Node.Name)) continue;
            var c = steps[k.Launch.Node.Name].Cost;
            double gflops = ProfileRow.Rate(c.Flops, k.Latency.MedianMs);
            if (c.Flops > 0 && c.MemRw > 0 && gflops > 0)
                points.Add(($"{k.Launch.Node.Name} ({k.Launch.Kernel.Name}): {k.Latency.MedianMs:F4} ms, {gflops:F3} GFLOP/s, {ProfileRow.Rate(c.MemRw, k.Latency.MedianMs):F3} GB/s",
                    ProfileRow.Intensity(c.Flops, c.MemRw), gflops));
        }
        // Decades that hold every point, the ridge and the compute ceiling.
        double xMin = Decade(Math.Min(points.Select(p => p.Intensity).DefaultIfEmpty(1).Min(), roof.RidgeIntensity) / 2, floor: true);
        double xMax = Decade(Math.Max(points.Select(p => p.Intensity).DefaultIfEmpty(1).Max(), roof.RidgeIntensity) * 2, floor: false);
        double yMin = Decade(Math.Min(points.Select(p => p.Gflops).DefaultIfEmpty(roof.PeakGflops).Min(), roof.Attainable(xMin)) / 2, floor: true);
        double yMax = Decade(roof.PeakGflops * 2, floor: false);
        double X(double v) => Left + (Math.Log10(v) - Math.Log10(xMin)) / (Math.Log10(xMax) - Math.Log10(xMin)) * Width;
        double Y(double v) => Top + Height - (Math.Log10(v) - Math.Log10(yMin)) / (Math.Log10(yMax) - Math.Log10(yMin)) * Height;
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        double totalW = Left + Width + Right, totalH = Top + Height + Bottom;
        w.WriteLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(totalW)}\" height=\"{F(totalH)}\" viewBox=\"0 0 {F(totalW)} {F(totalH)}\" font-family=\"sans-serif\" font-size=\"12\">");
        w.WriteLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        w.WriteLine($"<text x=\"{F(Left)}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{Esc(profile.Session.Model.Name)} ({CostPrecision.Of(profile.Session.Options)}): roofline on {Esc(roof.Device)}</text>");
        w.WriteLine($"<text x=\"{F(Left)}\" y=\"44\">copy {roof.PeakGbps:F2} GB/s, matmul {roof.PeakGflops:F2} GFLOP/s (measured by the engine's kernels); dots: kernels at median latency, analytic FLOPs and bytes</text>");
        for (double d = xMin; d <= xMax * 1.001; d *= 10)
        {
            w.WriteLine($"<line x1=\"{F(X(d))}\" y1=\"{F(Top)}\" x2=\"{F(X(d))}\" y2=\"{F(Top + Height)}\" stroke=\"#ddd\"/>");
            w.WriteLine($"<text x=\"{F(X(d))}\" y=\"{F(Top + Height + 18)}\" text-anchor=\"middle\">{F(d)}</text>");
        }
        for (double d = yMin; d <= yMax * 1.001; d *= 10)
        {
            w.WriteLine($"<line x1=\"{F(Left)}\" y1=\"{F(Y(d))}\" x2=\"{F(Left + Width)}\" y2=\"{F(Y(d))}\" stroke=\"#ddd\"/>");
            w.WriteLine($"<text x=\"{F(Left - 6)}\" y=\"{F(Y(d) + 4)}\" text-anchor=\"end\">{F(d)}</text>");
        }
        w.WriteLine($"<text x=\"{F(Left + Width / 2)}\" y=\"{F(totalH - 14)}\" text-anchor=\"middle\">arithmetic intensity (FLOP/byte)</text>");
        w.WriteLine($"<text transform=\"translate(20 {F(Top + Height / 2)}) rotate(-90)\" text-anchor=\"middle\">GFLOP/s</text>");
        // The roof: memory-bound slope up to the ridge, then flat at the compute ceiling.
        double x0 = Math.Max(xMin, yMin / roof.PeakGbps);
        w.WriteLine($"<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" points=\"{F(X(x0))},{F(Y(roof.Attainable(x0)))} {F(X(roof.RidgeIntensity))},{F(Y(roof.PeakGflops))} {F(X(xMax))},{F(Y(roof.PeakGflops))}\"/>");
        foreach (var p in points)
            w.WriteLine($"<circle cx=\"{F(X(p.Intensity))}\" cy=\"{F(Y(p.Gflops))}\" r=\"4\" fill=\"#2471a3\" fill-opacity=\"0.7\"><title>{Esc(p.Label)}</title></circle>");
        w.WriteLine("</svg>");
    }

    private static double Decade(double value, bool floor)
    {
        double log = Math.Log10(Math.Max(value, 1e-9));
        return Math.Pow(10, floor ? Math.Floor(log) : Math.Ceiling(log));
    }

    private static string Esc(string text) => SecurityElement.Escape(text) ?? "";
}
