using GpuEngine.Ir;
using GpuEngine.Profiling.Costs;
using GpuEngine.Profiling.Energy;
using GpuEngine.Profiling.Reports;

namespace GpuEngine.Profiling.Measurement;

/// <summary>RASP's report types: which rows a measured profile has.</summary>
public enum ProfileReportType
{
    /// <summary>One row per kernel launch, in launch order.</summary>
    Tape,

    /// <summary>One row per model layer in execution order; a fused kernel's time is shared among the layers it covers.</summary>
    Node,

    /// <summary>The model's modules (functional steps such as a residual add left out) in definition order.</summary>
    Leaves,

    /// <summary>One row: the whole model.</summary>
    Root,
}

/// <summary>Builds a <see cref="Report"/> of a <see cref="SessionProfile"/> for one report type.</summary>
public static class ProfileReport
{
    /// <summary>The report of <paramref name="profile"/> with <paramref name="type"/>'s rows; energy from <paramref name="energy"/> (default: RASP's table).</summary>
    public static Report Create(SessionProfile profile, ProfileReportType type, EnergyTable? energy = null)
    {
        energy ??= EnergyTable.Default;
        var session = profile.Session;
        var precision = CostPrecision.Of(session.Plan.Options);
        var rows = type switch
        {
            ProfileReportType.Tape => ProfileRows.Tape(profile),
            ProfileReportType.Root => [ProfileRows.Root(profile) with
            {
                Energy = SessionSteps.LayerCosts(session, SessionSteps.Of(session)).Values.Sum(c => EnergyModel.Of(c, precision, energy)),
            }],
            _ => ProfileRows.Layers(profile, modulesOnly: type == ProfileReportType.Leaves),
        };
        if (type != ProfileReportType.Root)
            rows = [.. rows.Select(r => r with { Energy = r.Cost is { } c ? EnergyModel.Of(c, precision, energy) : 0 })];
        var report = new Report($"Profile of {session.Model.Name} ({type.ToString().ToLowerInvariant()}, {precision})", ProfileRow.Columns, rowsKey: "rows")
            .AddFact("model", session.Model.Name)
            .AddFact("report", type.ToString().ToLowerInvariant())
            .AddFact("device", $"{session.DeviceName}: {session.DeviceDescription}")
            .AddFact("input", string.Join(", ", session.InputMetadata.Select(i => i.Shape.ToString())))
            .AddFact("precision", precision.Precision.ToString().ToLowerInvariant());
        if (session.Quantization is { } quantized)
        {
            report.AddFact("mode", precision.Mode.ToString().ToLowerInvariant())
                .AddFact("calibration", quantized.Calibration);
        }
        report.AddFact("timed", $"{profile.Options.Runs} runs after {profile.Options.Warmup} untimed warm-up run(s), device events ({TimerOf(session.DeviceName)})")
            .AddFact("warmup", profile.Options.Warmup)
            .AddFact("runs", profile.Options.Runs)
            .AddFact("kernel_launches", session.LaunchCount)
            .AddFact("end_to_end_median_ms", Round(profile.EndToEnd.MedianMs))
            .AddFact("end_to_end_p90_ms", Round(profile.EndToEnd.P90Ms))
            .AddFact("end_to_end_min_ms", Round(profile.EndToEnd.MinMs))
            .AddFact("per_kernel_run_median_ms", Round(profile.PerKernelRun.MedianMs))
            .AddFact("profiler_overhead_ms", Round(profile.OverheadMs))
            .AddFact("session_device_bytes", session.DeviceBytes)
            .AddFact("arena_bytes", session.Plan.ArenaBytes)
            .AddFact("arena_lower_bound_bytes", session.Plan.LowerBoundBytes)
            .AddFact("weights_bytes", session.Plan.WeightsBytes)
            .AddFact("peak_activation_bytes", ProfileRows.WholeRun(SessionSteps.Of(session)).DevMaxMemAlloc);
        if (profile.Roofline is { } roof)
            report.AddFact("roofline", $"copy {roof.PeakGbps:F2} GB/s, compute {roof.PeakGflops:F2} GFLOP/s, ridge {roof.RidgeIntensity:F2} FLOP/B; measured by {roof.Method}");
        double totalMs = rows.Sum(r => r.Latency.MedianMs);
        foreach (var row in rows) report.AddRow(row.Cells(profile.Roofline, totalMs));
        report.SetTotals(ProfileRow.Totals(report.Columns, report.Rows, profile.Roofline));
        report.DefaultKeys = ProfileRow.DefaultKeys(precision.IsInt8);
        report.ColumnNotes["energy"] = EnergyModel.Convention(precision, energy);
        report.ColumnNotes["time_pct"] = "time_pct = the row's latency_median_ms / the sum over the rows (the per-kernel run's kernels, not end to end).";
        if (profile.Roofline is null)
            report.Missing["roofline_pct"] = "it needs the device's ceilings: --roofline measures them (once per device, cached)";
        if (profile.MeasuredBytes is null)
            report.Missing["measured_bytes"] = report.Missing["traffic_ratio"] = "no counting run was made";
        report.Notes.AddRange(ModelSummary.ConventionsFor(precision));
        report.Notes.AddRange(Conventions);
        if (precision.IsInt8) report.Notes.AddRange(Int8Conventions);
        return report;
    }

    /// <summary>How the measured columns are made, stated under every profile.</summary>
    public static IReadOnlyList<string> Conventions { get; } =
    [
        "latency: device events around each launch (CUDA events, OpenCL profiling markers; a stopwatch on the synchronous cpu backend), median/p90/min over the runs after the warm-up.",
        "end_to_end: runs with no events between launches, alternating with the per-kernel runs; profiler_overhead = median over run pairs of (per-kernel run - end to end), shown as 0 where noise makes it negative (events that cost nothing, e.g. the cpu backend's stopwatch).",
        "gbps = analytic mem_rw / median latency (10^9 B/s); gflops = analytic flops / median latency (10^9 FLOP/s).",
        "node/leaves: a fused or re-parameterized kernel's time is shared among the layers it covers in proportion to their flops.",
        "net_dev_mem = activation bytes alive when the step starts; dev_mem_alloc = bytes its output adds (0 in place); dev_max_mem_alloc = their sum (no temporaries); exact from the memory plan.",
        "intensity = flops / mem_rw; roofline_pct = gflops / min(peak GFLOP/s, intensity x copy GB/s), ceilings measured on this device (--roofline, or a roofline plot; the roofline fact says by what: on cpu a SIMD FMA loop and a vector copy on all cores, the machine's rate; elsewhere the engine's ReLU and tiled matmul kernels).",
        "measured_bytes: bytes the kernels really loaded and stored in device memory (group shared memory excluded), counted in one extra run of every launch (the kernels' counting build on opencl/cuda, an access counter on cpu); traffic_ratio = measured_bytes / mem_rw.",
        "totals: sums, except net_dev_mem and dev_max_mem_alloc (the maximum) and the rates, intensity and roofline_pct (recomputed from the totals).",
    ];

    /// <summary>What an int8 profile counts besides, stated under it.</summary>
    public static IReadOnlyList<string> Int8Conventions { get; } =
    [
        "int8 edges: Quantize (reads the float32 input, writes int8) belongs to the first layer reading the input, Dequantize (reads int8, writes float32) to the layer writing the output; each writes a buffer beside the arena (its dev_mem_alloc).",
        "int8 flops are the model's arithmetic, the same as fp32's: conversions (Quantize, Requantize, Dequantize) count 0; the roofline's ceilings are fp32's.",
        "act_bytes_int8 and addsum_bytes_int32 are the seed's per-layer model, the same at every precision and mode.",
    ];

    private static double Round(double ms) => Math.Round(ms, 6);

    /// <summary>What the timer of a backend is, in words.</summary>
    private static string TimerOf(string backend) => backend switch
    {
        "cuda" => "CUDA events",
        "opencl" => "OpenCL profiling markers",
        _ => "a stopwatch around each synchronous launch",
    };
}
