using CommandLine;
using GpuEngine.Profiling;
using GpuEngine.Profiling.Reports;

namespace GpuEngine.Cli.Verbs;

/// <summary><c>gpuengine summary</c>: the analytic profile of a model, per layer and in total, without running it.</summary>
[Verb("summary", HelpText = "Per-layer shapes, parameters, FLOPs, MACs and memory of a model (analytic, no device needed).")]
public sealed class SummaryVerb : ModelOptions, ICommand
{
    public int Execute(CommandContext context)
    {
        var format = ReportFormat();
        var report = SummaryReport.Create(ModelSummary.Create(LoadGraph()));
        WriteOutput(context, w => ReportWriter.Write(report, format, w));
        return 0;
    }
}
