using GpuEngine.Profiling.Costs;
using GpuEngine.Profiling.Reports;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// One row of a measured profile before it becomes report cells: the analytic cost (null where the row has none,
/// e.g. a second launch of the same node), the measured latency and the plan's memory columns.
/// </summary>
public sealed record ProfileRow(string Name, string Type, string Kernel, string Covers, string InShape, string OutShape,
    LayerCost? Cost, LatencyStats Latency, StepMemory Memory)
{
    /// <summary>Bytes the row's kernels really moved (counting run); null where not counted.</summary>
    public double? MeasuredBytes { get; init; }

    /// <summary>The profile's columns. Keys are an interface (CSV header, JSON keys): never rename; append new ones.</summary>
    public static IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("name", "layer or step name (module path)", ColumnKind.Text),
        new("type", "op type", ColumnKind.Text),
        new("kernel", "kernel(s) launched", ColumnKind.Text),
        new("covers", "model layers the kernel computes", ColumnKind.Text),
        new("in_shape", "input shape", ColumnKind.Text),
        new("out_shape", "output shape", ColumnKind.Text),
        .. SummaryReport.CostColumns,
        new("latency_median_ms", "median latency over the timed runs", ColumnKind.Real, 3, "ms"),
        new("latency_p90_ms", "90th percentile latency", ColumnKind.Real, 3, "ms"),
        new("latency_min_ms", "minimum latency", ColumnKind.Real, 3, "ms"),
        new("gbps", "achieved bandwidth: mem_rw / latency_median_ms", ColumnKind.Real, 2, "GB/s, 10^9 B/s"),
        new("gflops", "achieved rate: flops / latency_median_ms", ColumnKind.Real, 2, "GFLOP/s"),
        new("net_dev_mem", "activation bytes alive when the step starts (memory plan)", Unit: "B"),
        new("dev_mem_alloc", "bytes the step's output adds (memory plan)", Unit: "B"),
        new("dev_max_mem_alloc", "net_dev_mem + dev_mem_alloc: the peak while it runs", Unit: "B"),
        new("intensity", "arithmetic intensity: flops / mem_rw", ColumnKind.Real, 2, "FLOP/B"),
        new("roofline_pct", "gflops as a share of what the measured roofline allows at this intensity", ColumnKind.Real, 1, "%"),
        new("measured_bytes", "bytes the kernels really loaded and stored (counting run)", Unit: "B"),
        new("traffic_ratio", "measured_bytes / mem_rw", ColumnKind.Real, 2),
        new("time_pct", "latency_median_ms as a share of the rows' total", ColumnKind.Real, 1, "%"),
        new("energy", "estimated energy, RASP's rule (docs/conventions.md)", ColumnKind.Real, 0, "pJ"),
    ];

    /// <summary>What a profile table shows by default: about 120 characters (int8 adds the seed's two int8 memory columns).</summary>
    public static IReadOnlyCollection<string> DefaultKeys(bool int8) => int8
        ? ["name", "type", "out_shape", "params", "macc", "mem_rw", "act_bytes_int8", "addsum_bytes_int32", "latency_median_ms", "time_pct"]
        : ["name", "type", "out_shape", "params", "macc", "mem_rw", "latency_median_ms", "time_pct"];

    /// <summary>The row's estimated energy (pJ, <see cref="Energy.EnergyModel"/>); 0 where the row has no analytic cost.</summary>
    public double Energy { get; init; }

    /// <summary>Achieved bytes per second in GB/s (10^9 B/s): analytic mem_rw over the median latency.</summary>
    public static double Rate(long amount, double milliseconds) => milliseconds > 0 ? amount / milliseconds / 1e6 : 0;

    /// <summary>Measured over analytic bytes; null when nothing was counted or the row has no analytic bytes.</summary>
    public static double? Ratio(double? measured, long analytic) => measured is double m && analytic > 0 ? m / analytic : null;

    /// <summary>Arithmetic intensity: analytic FLOPs per byte of analytic traffic (mem_rw).</summary>
    public static double Intensity(long flops, long bytes) => bytes > 0 ? (double)flops / bytes : 0;

    /// <summary>Achieved GFLOP/s as a percentage of what the roofline allows at this intensity; null without a roofline.</summary>
    public static double? RooflinePercent(Roofline? roofline, double intensity, double gflops)
    {
        if (roofline is null) return null;
        double attainable = roofline.Attainable(intensity);
        return attainable > 0 ? 100 * gflops / attainable : 0;
    }

    /// <summary>The row's cells; the roofline column stays empty when no roofline was measured. <paramref name="totalMs"/>: the rows' summed median.</summary>
    public object?[] Cells(Roofline? roofline, double totalMs)
    {
        var c = Cost;
        double gflops = Rate(c?.Flops ?? 0, Latency.MedianMs), intensity = Intensity(c?.Flops ?? 0, c?.MemRw ?? 0);
        return
        [
            Name, Type, Kernel, Covers, InShape, OutShape,
            c?.Params ?? 0L, c?.Flops ?? 0L, c?.Macc ?? 0L, c?.MemR ?? 0L, c?.MemW ?? 0L, c?.MemRw ?? 0L,
            c?.ActBytesInt8 ?? 0L, c?.AddsumBytesInt32 ?? 0L,
            Latency.MedianMs, Latency.P90Ms, Latency.MinMs,
            Rate(c?.MemRw ?? 0, Latency.MedianMs), gflops,
            Memory.NetDevMem, Memory.DevMemAlloc, Memory.DevMaxMemAlloc,
            intensity, RooflinePercent(roofline, intensity, gflops),
            MeasuredBytes is double m ? (long)Math.Round(m) : null, Ratio(MeasuredBytes, c?.MemRw ?? 0),
            totalMs > 0 ? 100 * Latency.MedianMs / totalMs : 0.0, Energy,
        ];
    }

    /// <summary>
    /// The totals row: additive columns sum over the rows; net_dev_mem and dev_max_mem_alloc are levels, so their
    /// total is the maximum (the peak); GB/s, GFLOP/s, intensity and roofline_pct are recomputed from the totals.
    /// </summary>
    public static object?[] Totals(IReadOnlyList<ReportColumn> columns, IReadOnlyList<object?[]> rows, Roofline? roofline)
    {
        var totals = new object?[columns.Count];
        int Index(string key) => columns.ToList().FindIndex(c => c.Key == key);
        for (int i = 0; i < columns.Count; i++)
        {
            totals[i] = columns[i].Key switch
            {
                "net_dev_mem" or "dev_max_mem_alloc" => rows.Count == 0 ? 0L : rows.Max(r => Convert.ToInt64(r[i])),
                "measured_bytes" => rows.All(r => r[i] is null) ? null : rows.Sum(r => Convert.ToInt64(r[i] ?? 0L)),
                "traffic_ratio" => null,
                _ when columns[i].Kind == ColumnKind.Integer => rows.Sum(r => Convert.ToInt64(r[i] ?? 0L)),
                _ when columns[i].Kind == ColumnKind.Real => rows.Sum(r => Convert.ToDouble(r[i] ?? 0.0)),
                _ => i == 0 ? "total" : null,
            };
        }
        int median = Index("latency_median_ms");
        double ms = median >= 0 ? (double)totals[median]! : 0;
        foreach (var (rate, amount) in new[] { ("gbps", "mem_rw"), ("gflops", "flops") })
        {
            int r = Index(rate), a = Index(amount);
            if (r >= 0 && a >= 0) totals[r] = Rate((long)totals[a]!, ms);
        }
        int flops = Index("flops"), bytes = Index("mem_rw"), intensity = Index("intensity"), percent = Index("roofline_pct");
        if (flops >= 0 && bytes >= 0)
        {
            double i = Intensity((long)totals[flops]!, (long)totals[bytes]!);
            if (intensity >= 0) totals[intensity] = i;
            if (percent >= 0) totals[percent] = RooflinePercent(roofline, i, Rate((long)totals[flops]!, ms));
        }
        int measured = Index("measured_bytes"), ratio = Index("traffic_ratio");
        if (measured >= 0 && ratio >= 0 && bytes >= 0 && totals[measured] is long total)
            totals[ratio] = Ratio(total, (long)totals[bytes]!);
        return totals;
    }
}
