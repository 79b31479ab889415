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
        // Analytic and fp32: options that would change nothing are refused rather than ignored.
        if (Precision != Planning.Precision.Fp32)
            throw new GpuEngineException("summary counts fp32 costs; 'gpuengine profile --precision int8' reports int8's");
        if (Device != DeviceKind.Auto) throw new GpuEngineException($"summary runs on no device (got --device {DeviceName}); 'gpuengine profile' measures one");
        var format = ReportFormat();
        var report = SummaryReport.Create(ModelSummary.Create(LoadGraph()));
        WriteOutput(context, w => ReportWriter.Write(report, format, w));
        return 0;
    }
}
