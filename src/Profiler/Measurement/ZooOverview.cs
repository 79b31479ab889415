using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Profiling.Reports;
using GpuEngine.Zoo;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// RASP's second table: per zoo model its parameters, FLOPs, end-to-end latency and achieved FLOP/s on one device,
/// each at its usual input (or the shape asked for), random weights, deploy form as the zoo builds it.
/// </summary>
public static class ZooOverview
{
    public static IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("name", "model", ColumnKind.Text),
        new("family", "family", ColumnKind.Text),
        new("in_shape", "input", ColumnKind.Text),
        new("params", "params"),
        new("flops", "FLOPs"),
        new("macc", "MACs"),
        new("kernel_launches", "launches"),
        new("latency_median_ms", "median (ms)", ColumnKind.Real),
        new("latency_p90_ms", "p90 (ms)", ColumnKind.Real),
        new("latency_min_ms", "min (ms)", ColumnKind.Real),
        new("gflops", "GFLOP/s", ColumnKind.Real, 2),
    ];

    /// <param name="models">The zoo models to measure.</param>
    /// <param name="input">Input shape for every model; null for each model's default.</param>
    /// <param name="batch">Batch size applied to the input shape, if any.</param>
    public static Report Create(IEnumerable<ZooModel> models, string device, TensorShape? input, int? batch, ProfileOptions options, int seed, TextWriter? progress = null)
    {
        var report = new Report("Zoo overview", Columns, rowsKey: "models");
        string? deviceName = null;
        foreach (var model in models)
        {
            var shape = input ?? model.DefaultInput;
            if (batch is int n) shape = shape.WithDim(0, n);
            var graph = WeightInitializer.Initialize(ModelZoo.Create(model.Name, shape), unchecked((ulong)seed));
            var summary = ModelSummary.Create(graph);
            using var session = new InferenceSession(graph, new SessionOptions { Device = device });
            deviceName ??= $"{session.DeviceName}: {session.DeviceDescription}";
            progress?.WriteLine($"profiling {model.Name} at {shape} ...");
            var latency = SessionProfiler.MeasureEndToEnd(session, RandomInput.Uniform(shape, seed), options);
            report.AddRow(model.Name, model.Family, shape.ToString(), summary.TotalParams, summary.TotalFlops, summary.TotalMacc,
                (long)session.LaunchCount, latency.MedianMs, latency.P90Ms, latency.MinMs, ProfileRow.Rate(summary.TotalFlops, latency.MedianMs));
        }
        report.AddFact("device", deviceName ?? device).AddFact("warmup", options.Warmup).AddFact("runs", options.Runs);
        report.Notes.Add("latency: end to end, device events around one inference's launches (no per-kernel events), median/p90/min over the runs after the warm-up.");
        report.Notes.Add("flops counts multiplications and additions separately (1 macc = 2 flops); gflops = flops / median latency (10^9 FLOP/s); 1 KiB = 1024 bytes.");
        report.Notes.Add("params and flops are the zoo graph's as run (deploy form where the zoo builds one); random weights from --seed.");
        return report;
    }
}
