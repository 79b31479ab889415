using GpuEngine.Diagnostics;
using GpuEngine.Profiling.Reports;

namespace GpuEngine.Profiling.Peer;

/// <summary>The report of <c>gpuengine compare</c>: one row per output (and with --layers per compared tensor); latencies and the verdict as facts.</summary>
public static class CompareReport
{
    public static Report Create(CompareResult r, string model, string input, string precision)
    {
        var report = new Report($"{model}: GpuEngine ({r.Device}) vs ONNX Runtime ({r.Provider})",
        [
            new("kind", "kind", ColumnKind.Text),
            new("tensor", "tensor", ColumnKind.Text),
            new("elements", "elements"),
            new("max_abs_error", "max |diff|", ColumnKind.Significant),
            new("max_rel_error", "max rel", ColumnKind.Significant),
            new("cosine", "cosine", ColumnKind.Real, 7),
            new("top1_agreement", "top-1", ColumnKind.Real, 3),
            new("within", "within", ColumnKind.Text),
        ], "tensors");
        var o = r.Options;
        string criterion = o.Criterion == ToleranceCriterion.Cosine ? $"1 - cosine <= {o.Tolerance:G3}" : $"max rel <= {o.Tolerance:G3}";
        report.AddFact("model", model).AddFact("input", input).AddFact("precision", precision)
            .AddFact("device", $"{r.Device}: {r.DeviceDescription}")
            .AddFact("onnxruntime", $"{OnnxRuntimePeer.Version}, {r.ProviderNote}")
            .AddFact("tolerance", criterion)
            .AddFact("engine_median_ms", Round(r.EngineLatency.MedianMs)).AddFact("engine_p90_ms", Round(r.EngineLatency.P90Ms))
            .AddFact("onnxruntime_median_ms", Round(r.PeerLatency.MedianMs)).AddFact("onnxruntime_p90_ms", Round(r.PeerLatency.P90Ms))
            .AddFact("latency_ratio", Math.Round(r.LatencyRatio, 2))
            .AddFact("runs", $"{o.Runs} timed after {o.Warmup} warm-up, each engine, same input, host clock around Run");
        foreach (var c in r.Outputs) Add(report, "output", c, o);
        if (r.Layers is { } layers)
        {
            report.AddFact("layers_compared", $"{layers.Compared.Count} tensors in both (engine keeps {layers.EngineTensors}, ONNX Runtime {layers.ReferenceTensors}; fused or re-parameterized ones have no counterpart)");
            report.AddFact("first_divergence", layers.FirstBeyond is { } f
                ? $"{f.Name}: max |diff| {f.MaxAbsError:G3}, max rel {f.MaxRelativeError:G3}, cosine {f.Cosine:G7}"
                : "none: every compared tensor is within the tolerance");
            foreach (var c in layers.Compared) Add(report, "layer", c, o);
        }
        report.AddFact("verdict", r.WithinTolerance ? "every output within tolerance" : "outputs differ beyond tolerance");
        report.Notes.Add("max rel = max |engine - ONNX Runtime| / max |ONNX Runtime| over the tensor; top-1 = share of batch rows with the same argmax.");
        return report;
    }

    private static void Add(Report report, string kind, TensorComparison c, CompareOptions o) =>
        report.AddRow(kind, c.Name, c.Elements, c.MaxAbsError, c.MaxRelativeError, c.Cosine, c.Top1Agreement, c.Within(o.Tolerance, o.Criterion) ? "yes" : "NO");

    private static double Round(double ms) => Math.Round(ms, 3);
}
