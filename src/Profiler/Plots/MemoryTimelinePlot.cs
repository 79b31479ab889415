using GpuEngine.Planning;
using GpuEngine.Profiling.Reports;
using ScottPlot;

namespace GpuEngine.Profiling.Plots;

/// <summary>
/// The memory timeline of a plan: steps across, arena offsets up, every tensor a bar from its first to its last step at
/// its offset, its height its aligned bytes (inputs green, activations blue, addsums orange, outputs red); horizontal lines
/// mark the arena size and the lower bound (the most bytes alive at any step). Replaces the hand-written SVG.
/// </summary>
public static class MemoryTimelinePlot
{
    public static Plot Create(MemoryPlan plan)
    {
        var plot = new Plot();
        double top = Math.Max(Math.Max(plan.ArenaBytes, plan.LowerBoundBytes), 1);
        var (divisor, unit) = PlotImage.ByteUnit(top);
        foreach (var t in plan.Tensors)
        {
            if (t.Placement == Placement.Alias) continue; // a view's bytes are drawn by the tensor it views
            var buffer = plan.Buffers[t.Buffer];
            var bar = plot.Add.Rectangle(t.FirstStep, t.LastStep + 1, t.Offset / divisor, (t.Offset + buffer.AlignedBytes) / divisor);
            bar.FillStyle.Color = Colour(t).WithAlpha(0.85);
            bar.LineStyle.Color = Colors.White;
            bar.LineStyle.Width = 0.5f;
        }
        Level(plot, plan.ArenaBytes / divisor, $"arena {NumberFormat.Bytes(plan.ArenaBytes)}", Colors.DarkRed, 2);
        Level(plot, plan.LowerBoundBytes / divisor, $"lower bound {NumberFormat.Bytes(plan.LowerBoundBytes)}", Colors.Black, 1);
        foreach (var (label, colour) in new[] { ("graph input", Input), ("activation", Activation), ("addsum (int32)", Addsum), ("graph output", Output) })
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = colour });
        plot.ShowLegend(Alignment.UpperRight);

        string precision = plan.Options.Precision == Precision.Int8 ? $"int8 {plan.Options.Mode.ToString().ToLowerInvariant()}" : "fp32";
        plot.Title($"{plan.Graph} ({precision}, input {string.Join(", ", plan.Inputs.Select(i => i.Shape.ToString()))}): memory timeline");
        plot.XLabel($"step (op in execution order, {plan.Steps.Count} steps)");
        plot.YLabel($"offset in the arena ({unit})");
        plot.Axes.SetLimits(0, Math.Max(plan.Steps.Count, 1), 0, top / divisor * 1.08);
        return plot;
    }

    private static readonly Color Input = Color.FromHex("#3a9d4a"), Activation = Color.FromHex("#4a78c2"),
        Addsum = Color.FromHex("#e8912d"), Output = Color.FromHex("#c8453c");

    private static void Level(Plot plot, double y, string label, Color colour, float width)
    {
        var line = plot.Add.HorizontalLine(y, width, colour);
        line.LegendText = label;
    }

    private static Color Colour(PlannedTensor t) => t.Role switch
    {
        TensorRole.GraphInput => Input,
        TensorRole.Addsum => Addsum,
        TensorRole.GraphOutput => Output,
        _ => (t.Buffer % 3) switch { 0 => Activation, 1 => Color.FromHex("#6f95d6"), _ => Color.FromHex("#2f5ca8") },
    };
}
