using System.Globalization;
using CommandLine;
using GpuEngine.Diagnostics;
using GpuEngine.Profiling.Reports;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine check --device cuda</c>: every kernel family on a device against the cpu backend, on random data.
/// The GPU machines have no .NET SDK, so this verb (in a self-contained build) is how kernels are proven there.
/// </summary>
[Verb("check", HelpText = "Check every kernel on a device against the cpu backend (random data); exit 1 if any differs.")]
public sealed class CheckVerb : OutputOptions, ICommand
{
    [Option("device", Default = DeviceKind.Auto, HelpText = "auto, cpu, opencl or cuda.")]
    public DeviceKind Device { get; set; }

    [Option("seed", Default = 0, HelpText = "Seed for random weights and inputs.")]
    public int Seed { get; set; }

    [Option("kernels-only", HelpText = "Skip the whole-model cases.")]
    public bool KernelsOnly { get; set; }

    private static readonly ReportColumn[] Columns =
    [
        new("case", "case", ColumnKind.Text),
        new("kernels", "kernels", ColumnKind.Text),
        new("max_rel_error", "max rel. error", ColumnKind.Text),
        new("tolerance", "tolerance", ColumnKind.Text),
        new("device_ms", "time (ms)", ColumnKind.Real, 3),
        new("status", "status", ColumnKind.Text),
    ];

    public int Execute(CommandContext context)
    {
        var format = ReportFormat();
        string device = Device.ToString().ToLowerInvariant();
        var results = DeviceCheck.Run(device, Seed, models: !KernelsOnly,
            r => context.Error.WriteLine($"{(r.Passed ? "ok  " : "FAIL")} {r.Case}: {r.MaxRelativeError:E2}"));
        using var probe = Backends.BackendFactory.Choose(device);
        var report = new Report($"Kernel check on {probe.Backend.Name}", Columns, rowsKey: "cases")
            .AddFact("device", probe.Explanation)
            .AddFact("reference", "cpu backend (the C# kernels), same weights and inputs")
            .AddFact("passed", results.Count(r => r.Passed))
            .AddFact("failed", results.Count(r => !r.Passed));
        foreach (var r in results)
            report.AddRow(r.Case, r.Kernels, r.MaxRelativeError.ToString("E2", CultureInfo.InvariantCulture),
                r.Tolerance.ToString("E0", CultureInfo.InvariantCulture), r.DeviceMilliseconds, r.Passed ? "pass" : "FAIL");
        var uncovered = DeviceCheck.Uncovered(results);
        if (uncovered.Count > 0) report.Notes.Add($"kernels no case launches yet: {string.Join(", ", uncovered)}");
        report.Notes.Add("max rel. error = max |device - cpu| / max |cpu| over the output; time = one warm run, host clock.");
        WriteOutput(context, w => ReportWriter.Write(report, format, w));
        int failed = results.Count(r => !r.Passed);
        if (failed == 0) return 0;
        context.Error.WriteLine($"gpuengine: check: {failed} of {results.Count} cases differ from the cpu backend on {probe.Backend.Name}");
        return CliApp.ExitFinding;
    }
}
