using System.Globalization;
using CommandLine;
using GpuEngine.Execution;
using GpuEngine.Execution.Tactics;
using GpuEngine.Profiling.Reports;
using GpuEngine.Sessions;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine tune</c>: tactic selection for a model on a device, shown: per tuned layer every candidate's median
/// time, the winner, and each candidate rejected as wrong with its error. Choices go to the tactic cache, which
/// later <c>--tactics tuned</c> sessions read.
/// </summary>
[Verb("tune", HelpText = "Choose each conv's kernel by measurement (validated against the reference, timed with device events) and print every candidate.")]
public sealed class TuneVerb : SessionVerbOptions, ICommand
{
    [Option("cache", HelpText = "Tactic cache file (default $XDG_CACHE_HOME/gpuengine/tactics.json).")]
    public string? Cache { get; set; }

    [Option("fresh", HelpText = "Measure every layer even where the cache has a choice (and record the new choices).")]
    public bool Fresh { get; set; }

    private static readonly ReportColumn[] Columns =
    [
        new("layer", "the node the launch computes", ColumnKind.Text),
        new("candidate", "the kernel variant (reference = the planned kernel)", ColumnKind.Text),
        new("median_ms", "median of the timed runs, device events", ColumnKind.Real, 4, "ms"),
        new("status", "winner, valid, rejected, or cached (the choice came from the cache, unmeasured)", ColumnKind.Text),
        new("error", "why a candidate was rejected", ColumnKind.Text),
    ];

    public int Execute(CommandContext context)
    {
        var format = ReportFormat();
        var graph = LoadGraphWithWeights();
        var input = InputTensor(graph);
        string path = Cache ?? TacticCache.DefaultPath;
        if (Fresh && File.Exists(path)) File.Delete(path);
        var options = CreateSessionOptions() with { Tactics = TacticMode.Tuned, TacticCache = new TacticCache(path, context.Error.WriteLine) };
        using var session = SessionFactory.Create(graph, options);
        NoteGraphs(session, context);
        session.Tune(input);

        var report = new Report($"Tactics of {graph.Name} on {session.DeviceName} ({PrecisionDescription})", Columns)
            .AddFact("device", session.DeviceDescription)
            .AddFact("cache", path)
            .AddFact("tuned_launches", session.TacticReports.Count)
            .AddFact("rejected", session.TacticReports.Sum(r => r.Candidates.Count(c => c.Error is not null)));
        foreach (var layer in session.TacticReports)
            foreach (var c in layer.Candidates)
            {
                string status = layer.FromCache ? "cached" : c.Error is not null ? "rejected" : c.Name == layer.Winner ? "winner" : "valid";
                report.AddRow(layer.Layer, c.Name, c.MedianMs, status, c.Error ?? "");
            }
        report.Notes.Add("Each candidate ran on the same input as the reference and was compared with its output: fp32 within "
            + TacticSelector.Fp32Tolerance.ToString("G1", CultureInfo.InvariantCulture) + " of the output's largest magnitude, int8 bit-exact. "
            + $"A rejected candidate never runs. Times: one warm-up, median of {TacticSelector.TimedRuns}.");
        WriteOutput(context, w => ReportWriter.Write(report, format, w));
        return 0;
    }
}
