using System.Globalization;
using System.Security;
using GpuEngine.Planning;

namespace GpuEngine.Profiling.Reports;

/// <summary>
/// The memory timeline of a plan as a standalone SVG: steps across, arena offsets up, every tensor a box
/// from its first to its last step at its offset (hover for name, bytes, offset, lifetime). A line shows
/// the bytes alive at each step; dashed lines mark the lower bound and the arena. Colours: inputs green,
/// activations blue (shade by buffer), addsum temporaries orange, outputs red.
/// </summary>
public static class PlanSvgWriter
{
    private const double Left = 110, Right = 30, Top = 70, Bottom = 70, PlotHeight = 560;

    public static void Write(MemoryPlan plan, TextWriter w)
    {
        int steps = Math.Max(plan.Steps.Count, 1);
        double stepWidth = Math.Clamp(1400.0 / steps, 3, 28);
        double plotWidth = stepWidth * steps, width = Left + plotWidth + Right, height = Top + PlotHeight + Bottom;
        double top = Math.Max(Math.Max(plan.ArenaBytes, plan.LowerBoundBytes), 1);
        double X(double step) => Left + step * stepWidth;
        double Y(double bytes) => Top + PlotHeight - bytes / top * PlotHeight;
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        w.WriteLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(width)}\" height=\"{F(height)}\" viewBox=\"0 0 {F(width)} {F(height)}\" font-family=\"sans-serif\" font-size=\"12\">");
        w.WriteLine($"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        string mode = plan.Options.Precision == Precision.Int8 ? $"int8 {plan.Options.Mode.ToString().ToLowerInvariant()}" : "fp32";
        w.WriteLine($"<text x=\"{F(Left)}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{Esc(plan.Graph)} ({mode}, input {Esc(string.Join(", ", plan.Inputs.Select(i => i.Shape.ToString())))}): memory timeline</text>");
        w.WriteLine($"<text x=\"{F(Left)}\" y=\"44\">arena {Bytes(plan.ArenaBytes)} · lower bound {Bytes(plan.LowerBoundBytes)} (ratio {plan.Ratio.ToString("0.0000", CultureInfo.InvariantCulture)}) · no reuse {Bytes(plan.NaiveBytes)} · weights {Bytes(plan.WeightsBytes)} (separate) · alignment {plan.Options.Alignment} B · {Esc(plan.Strategy)}</text>");

        // Axes with byte ticks (about 8) and step ticks (about 20).
        w.WriteLine($"<line x1=\"{F(Left)}\" y1=\"{F(Top)}\" x2=\"{F(Left)}\" y2=\"{F(Top + PlotHeight)}\" stroke=\"black\"/>");
        w.WriteLine($"<line x1=\"{F(Left)}\" y1=\"{F(Top + PlotHeight)}\" x2=\"{F(Left + plotWidth)}\" y2=\"{F(Top + PlotHeight)}\" stroke=\"black\"/>");
        // Ticks at round numbers of KiB or MiB, so labels read 0.5 MiB, 1 MiB ... rather than 488.28 KiB.
        double unit = top >= 2 << 20 ? 1 << 20 : top >= 2 << 10 ? 1 << 10 : 1;
        double tick = NiceStep(top / unit / 8) * unit;
        for (double b = 0; b <= top + 1e-9 && tick > 0; b += tick)
        {
            w.WriteLine($"<line x1=\"{F(Left - 4)}\" y1=\"{F(Y(b))}\" x2=\"{F(Left + plotWidth)}\" y2=\"{F(Y(b))}\" stroke=\"#e4e4e4\"/>");
            w.WriteLine($"<text x=\"{F(Left - 8)}\" y=\"{F(Y(b) + 4)}\" text-anchor=\"end\">{Bytes((long)b)}</text>");
        }
        int every = Math.Max(1, (int)Math.Ceiling(steps / 20.0));
        for (int s = 0; s < steps; s += every)
            w.WriteLine($"<text x=\"{F(X(s + 0.5))}\" y=\"{F(Top + PlotHeight + 16)}\" text-anchor=\"middle\">{s}</text>");
        w.WriteLine($"<text x=\"{F(Left + plotWidth / 2)}\" y=\"{F(height - 20)}\" text-anchor=\"middle\">step (op in execution order; hover a column for its name)</text>");
        w.WriteLine($"<text transform=\"translate(16 {F(Top + PlotHeight / 2)}) rotate(-90)\" text-anchor=\"middle\">offset in the arena</text>");

        // Step columns: invisible, carrying the op name as a tooltip.
        foreach (var s in plan.Steps)
            w.WriteLine($"<rect x=\"{F(X(s.Index))}\" y=\"{F(Top)}\" width=\"{F(stepWidth)}\" height=\"{F(PlotHeight)}\" fill=\"transparent\"><title>step {s.Index}: {Esc(s.Name)} ({Esc(s.TypeName)}), {plan.LiveBytes[s.Index]:N0} B alive</title></rect>");

        foreach (var t in plan.Tensors)
        {
            if (t.Placement == Placement.Alias) continue; // a view's bytes are drawn by the tensor it views
            var buffer = plan.Buffers[t.Buffer];
            double y0 = Y(t.Offset + buffer.AlignedBytes), y1 = Y(t.Offset);
            w.WriteLine($"<rect x=\"{F(X(t.FirstStep))}\" y=\"{F(y0)}\" width=\"{F((t.LastStep - t.FirstStep + 1) * stepWidth)}\" height=\"{F(Math.Max(y1 - y0, 0.5))}\" " +
                $"fill=\"{Colour(t)}\" fill-opacity=\"0.85\" stroke=\"white\" stroke-width=\"0.5\"><title>{Esc(t.Name)} ({Esc(t.Shape.ToString())} {t.DataType.ToString().ToLowerInvariant()}): " +
                $"{t.Bytes:N0} B at offset {t.Offset:N0}, steps {t.FirstStep}-{t.LastStep}, {t.Role}, {t.Placement}</title></rect>");
        }

        var points = string.Join(' ', plan.LiveBytes.Select((b, s) => $"{F(X(s))},{F(Y(b))} {F(X(s + 1))},{F(Y(b))}"));
        w.WriteLine($"<polyline points=\"{points}\" fill=\"none\" stroke=\"black\" stroke-width=\"1.5\"><title>bytes alive per step</title></polyline>");
        Line(w, Y(plan.LowerBoundBytes), Left, Left + plotWidth, "#333", $"lower bound {Bytes(plan.LowerBoundBytes)}", F, 10);
        Line(w, Y(plan.ArenaBytes), Left, Left + plotWidth, "#c00", $"arena {Bytes(plan.ArenaBytes)}", F, -4);
        Legend(w, Left, height - 40);
        w.WriteLine("</svg>");
    }

    private static void Line(TextWriter w, double y, double x0, double x1, string colour, string label, Func<double, string> f, double dy)
    {
        w.WriteLine($"<line x1=\"{f(x0)}\" y1=\"{f(y)}\" x2=\"{f(x1)}\" y2=\"{f(y)}\" stroke=\"{colour}\" stroke-dasharray=\"6 4\"/>");
        w.WriteLine($"<text x=\"{f(x1)}\" y=\"{f(y + dy)}\" text-anchor=\"end\" fill=\"{colour}\">{Esc(label)}</text>");
    }

    private static void Legend(TextWriter w, double x, double y)
    {
        (string Label, string Colour)[] items = [("graph input", "#3a9d4a"), ("activation", "#4a78c2"), ("addsum (int32)", "#e8912d"), ("graph output", "#c8453c"), ("bytes alive", "black")];
        foreach (var (label, colour) in items)
        {
            w.WriteLine($"<rect x=\"{x}\" y=\"{y - 10}\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{x + 16}\" y=\"{y}\">{label}</text>");
            x += 30 + label.Length * 7;
        }
    }

    private static string Colour(PlannedTensor t) => t.Role switch
    {
        TensorRole.GraphInput => "#3a9d4a",
        TensorRole.Addsum => "#e8912d",
        TensorRole.GraphOutput => "#c8453c",
        _ => (t.Buffer % 3) switch { 0 => "#4a78c2", 1 => "#6f95d6", _ => "#2f5ca8" },
    };

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="raw"/>.</summary>
    private static double NiceStep(double raw)
    {
        double p = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(raw, 1e-3))));
        return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
    }

    private static string Bytes(long b) => b >= 1 << 20 ? $"{b / 1048576.0:0.##} MiB" : b >= 1 << 10 ? $"{b / 1024.0:0.##} KiB" : $"{b} B";

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
}
