using CommandLine;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Profiling.Plots;
using GpuEngine.Profiling.Reports;
using GpuEngine.Sessions;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine profile</c>: runs a model on a device, times every kernel launch with device events and reports the
/// measured latency beside the analytic costs and the plan's memory, per launch, per layer or in total.
/// </summary>
[Verb("profile", HelpText = "Measure a model on a device: per-kernel latency (device events), analytic costs, device memory.")]
public sealed class ProfileVerb : SessionVerbOptions, ICommand
{
    [Option("warmup", Default = 10, HelpText = "Untimed runs before measuring.")]
    public int Warmup { get; set; } = 10;

    [Option("runs", Default = 100, HelpText = "Timed runs, for the end-to-end and for the per-kernel measurement each.")]
    public int Runs { get; set; } = 100;

    [Option("report", Default = ProfileReportType.Tape, HelpText = "tape (per launch), node (per layer), leaves (modules in definition order) or root (one row).")]
    public ProfileReportType ReportType { get; set; } = ProfileReportType.Tape;

    [Option("include", Separator = ',', HelpText = "Add these columns to the table's default (comma-separated keys; all = every column; help lists them).")]
    public IEnumerable<string> Include { get; set; } = [];

    [Option("exclude", Separator = ',', HelpText = "Leave out these columns (comma-separated keys).")]
    public IEnumerable<string> Exclude { get; set; } = [];

    [Option("energy-table", HelpText = "Energy costs (pJ) replacing RASP's defaults: a JSON object or 'key = value' lines (docs/conventions.md lists the keys).")]
    public string? EnergyTableFile { get; set; }

    [Option("save", HelpText = "Also write CSV, JSON, Markdown, a Chrome trace, the per-layer plot (and with --roofline the roofline plot) as PNG into this directory (never overwriting unless --force).")]
    public string? Save { get; set; }

    [Option("roofline", HelpText = "Measure the device's copy bandwidth and compute rate (cached; on cpu with SIMD loops on all cores) and place every kernel against them.")]
    public bool Roofline { get; set; }

    [Option("plot", Default = "roofline", HelpText = "With --format png|svg: roofline (every kernel against the measured ceilings) or layers (latency and bytes per row).")]
    public string Plot { get; set; } = "roofline";

    [Option("zoo", HelpText = "Overview of the zoo: params, FLOPs, end-to-end latency and GFLOP/s per model (--model NAME,NAME picks some).")]
    public bool Zoo { get; set; }

    public int Execute(CommandContext context)
    {
        // The overview builds fp32 sessions of many models; int8 would calibrate each one first, which it does not offer.
        if (Zoo && IsInt8) throw new GpuEngineException("--zoo measures fp32 only; profile an int8 model with --model NAME --precision int8");
        var format = Format.Trim().ToLowerInvariant();
        var plot = PlotImage.Parse(format);
        bool trace = format == "trace";
        var reportFormat = trace || plot is not null ? Profiling.Reports.ReportFormat.Json : ReportFormat("trace", "png", "svg");
        var plotKind = Plot.Trim().ToLowerInvariant();
        if (plotKind is not ("roofline" or "layers")) throw new GpuEngineException($"--plot '{Plot}' is not one of roofline, layers");
        PlotOutput.Check(plot, Output);
        if (Include.Any(k => k.Trim() == "help") && !Zoo)
        {
            new Report($"profile ({(IsInt8 ? "int8" : "fp32")})", ProfileRow.Columns) { DefaultKeys = ProfileRow.DefaultKeys(IsInt8) }.WriteColumnHelp(context.Out);
            return 0;
        }
        if (Labels is not null && !File.Exists(Labels)) throw new GpuEngineException($"--labels '{Labels}' does not exist");
        if (Zoo) return ExecuteZoo(context);
        var saved = Save is null ? [] : SavePaths(Save);
        if (!EnergyTables.TryLoad(EnergyTableFile, context, out var energy)) return CliApp.ExitUsage;

        var graph = LoadGraphWithWeights();
        var input = InputTensor(graph, context.Error);
        using var session = SessionFactory.Create(graph, CreateSessionOptions());
        if (UncheckedShapeWarning(session) is { } warning) context.Error.WriteLine(warning);
        NoteGraphs(session, context);
        if (TacticMode == GpuEngine.Execution.Tactics.TacticMode.Tuned) session.Tune(input); // before the launches are timed
        var profile = SessionProfiler.Measure(session, input, new ProfileOptions(Warmup, Runs));
        profile = profile with { MeasuredBytes = MeasuredTraffic.TryCount(session) };
        if (Roofline || (plot is not null && plotKind == "roofline")) profile = profile with { Roofline = Profiling.Measurement.Roofline.For(session) };
        // What the profiled inference computed, so one command shows both the answer and its cost.
        var logits = session.Run(input);
        var result = ProfileReport.Create(profile, ReportType, energy).AddFact("top5", TopClasses.Describe(logits, 0, ClassNames(logits)))
            .AddFact("tactics", TacticMode.ToString().ToLowerInvariant());
        if (session.HasGraphReplay)
        {
            // Both ways on the same session: a CUDA graph replay, and the same launches one by one.
            var (graphMs, plainMs) = GraphTiming.Measure(session, Warmup, Runs);
            result.AddFact("end_to_end_graph_ms", Math.Round(graphMs, 4)).AddFact("end_to_end_no_graph_ms", Math.Round(plainMs, 4));
        }
        var report = ColumnChoice.Select(result, Include, Exclude, reportFormat, context.Out);
        if (report is null) return 0;

        byte[] Image(string kind, PlotFormat imageFormat) => PlotImage.Render(
            kind == "roofline" ? RooflinePlot.Create(profile, profile.Roofline!) : LayerPlot.Create(result), imageFormat);
        if (plot is PlotFormat image) PlotOutput.Write(context, Image(plotKind, image), Output, Force);
        else
        {
            WriteOutput(context, w =>
            {
                if (trace) ChromeTrace.Write(profile, w);
                else ReportWriter.Write(report, reportFormat, w);
            });
        }
        foreach (var (path, kind) in saved)
        {
            if (kind is "roofline" or "layers")
            {
                OutputFile.WriteBytes(path, Force, Image(kind, PlotFormat.Png));
                context.Error.WriteLine($"wrote {path}");
                continue;
            }
            OutputFile.Write(path, Force, w =>
            {
                if (kind == "trace") ChromeTrace.Write(profile, w);
                else
                {
                    var kindFormat = Enum.Parse<ReportFormat>(kind, ignoreCase: true);
                    ReportWriter.Write(ColumnChoice.Select(result, Include, Exclude, kindFormat, w)!, kindFormat, w);
                }
            });
            context.Error.WriteLine($"wrote {path}");
        }
        return 0;
    }

    private int ExecuteZoo(CommandContext context)
    {
        var format = ReportFormat();
        var names = Model.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var models = names.Length == 0
            ? [.. GpuEngine.Zoo.ModelZoo.All]
            : names.Select(n => GpuEngine.Zoo.ModelZoo.Find(n) ?? throw new GpuEngineException($"--zoo: '{n}' is not a zoo model (see 'gpuengine models')")).ToList();
        TensorShape? shape = Input is null ? null : TensorShape.Parse(Input);
        var report = ColumnChoice.Select(ZooOverview.Create(models, DeviceName, shape, Batch, new ProfileOptions(Warmup, Runs), Seed, context.Error),
            Include, Exclude, format, context.Out);
        if (report is null) return 0;
        WriteOutput(context, w => ReportWriter.Write(report, format, w));
        return 0;
    }

    /// <summary>The files --save writes, checked before measuring so a long profile never ends in a refusal.</summary>
    private List<(string Path, string Kind)> SavePaths(string directory)
    {
        string stem = $"profile-{ReportType.ToString().ToLowerInvariant()}";
        List<(string, string)> files =
        [
            (Path.Combine(directory, stem + ".csv"), "csv"),
            (Path.Combine(directory, stem + ".json"), "json"),
            (Path.Combine(directory, stem + ".md"), "md"),
            (Path.Combine(directory, "trace.json"), "trace"),
            (Path.Combine(directory, "layers.png"), "layers"),
        ];
        if (Roofline) files.Add((Path.Combine(directory, "roofline.png"), "roofline"));
        foreach (var (path, _) in files) GpuEngine.IO.SafeFile.CheckTarget(path, Force);
        return files;
    }
}
