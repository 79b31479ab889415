using CommandLine;
using GpuEngine.Execution;
using GpuEngine.Profiling;
using GpuEngine.Profiling.Reports;

namespace GpuEngine.Cli.Verbs;

/// <summary><c>gpuengine summary</c>: the analytic profile of a model, per layer and in total, without running it.</summary>
[Verb("summary", HelpText = "Per-layer shapes, parameters, FLOPs, MACs and memory of a model (analytic, no device needed).")]
public sealed class SummaryVerb : ModelOptions, ICommand
{
    [Option("include", Separator = ',', HelpText = "Add these columns to the table's default (comma-separated keys, e.g. energy; all = every column; help lists them).")]
    public IEnumerable<string> Include { get; set; } = [];

    [Option("exclude", Separator = ',', HelpText = "Leave out these columns (comma-separated keys).")]
    public IEnumerable<string> Exclude { get; set; } = [];

    [Option("energy-table", HelpText = "Energy costs (pJ) replacing RASP's defaults: a JSON object or 'key = value' lines (docs/conventions.md lists the keys).")]
    public string? EnergyTableFile { get; set; }

    public int Execute(CommandContext context)
    {
        // Analytic and fp32: options that would change nothing are refused rather than ignored.
        if (Precision != Planning.Precision.Fp32)
            throw new GpuEngineException("summary counts fp32 costs; 'gpuengine profile --precision int8' reports int8's");
        if (DeviceName != "auto") throw new GpuEngineException($"summary runs on no device (got --device {DeviceName}); 'gpuengine profile' measures one");
        var format = ReportFormat();
        if (!EnergyTables.TryLoad(EnergyTableFile, context, out var energy)) return CliApp.ExitUsage;
        // The model's layers as the session's pipeline takes them in (each kernel a session launches traces back to these).
        var program = ModelCompiler.Compile(LoadGraph());
        var report = ColumnChoice.Select(SummaryReport.Create(ModelSummary.Create(program.Model), energy), Include, Exclude, format, context.Out);
        if (report is null) return 0;
        WriteOutput(context, w => ReportWriter.Write(report, format, w));
        return 0;
    }
}
