using System.Globalization;
using CommandLine;
using GpuEngine.Backends;
using GpuEngine.Diagnostics;
using GpuEngine.Profiling.Reports;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine check --device D</c>: every kernel family in fp32 and int8, and whole models, on a device against the cpu
/// backend (fp32 within a relative tolerance, int8 bit-exact); on the cpu backend itself against float64 and integer
/// loops. The GPU machines have no .NET SDK, so this verb (in a self-contained build) is how kernels are proven there.
/// </summary>
[Verb("check", HelpText = "Check every kernel (fp32, int8) and whole models on a device against the cpu backend; exit 1 if any case differs.")]
public sealed class CheckVerb : OutputOptions, ICommand
{
    [Option("device", Default = "auto", HelpText = DeviceOption.Help)]
    public string Device { get; set; } = "auto";

    [Option("seed", Default = 0, HelpText = "Seed for random weights and inputs.")]
    public int Seed { get; set; }

    [Option("kernels-only", HelpText = "Skip the whole-model cases (the quick check).")]
    public bool KernelsOnly { get; set; }

    [Option("cases", HelpText = "Run only the cases whose name contains one of these comma-separated words (e.g. int8,repvgg).")]
    public string? Cases { get; set; }

    /// <summary>Test hook: see <see cref="DeviceCheckOptions.AlterDeviceOutput"/>.</summary>
    internal Func<string, CheckOutput, CheckOutput>? AlterDeviceOutput { get; init; }

    private static readonly ReportColumn[] Columns =
    [
        new("case", "case", ColumnKind.Text),
        new("shape", "input", ColumnKind.Text),
        new("precision", "precision", ColumnKind.Text),
        new("error", "error", ColumnKind.Text),
        new("rule", "rule", ColumnKind.Text),
        new("status", "status", ColumnKind.Text),
        new("device_ms", "time (ms)", ColumnKind.Real, 3),
        new("kernels", "kernels", ColumnKind.Text),
    ];

    public int Execute(CommandContext context)
    {
        string wanted = DeviceOption.Validate(Device);
        var format = ReportFormat();
        string backend, explanation;
        using (var probe = BackendFactory.Choose(wanted)) (backend, explanation) = (probe.Backend.Name, probe.Explanation);
        var options = new DeviceCheckOptions
        {
            Seed = Seed, KernelsOnly = KernelsOnly, AlterDeviceOutput = AlterDeviceOutput,
            Filters = [.. (Cases ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            Progress = r => context.Error.WriteLine(
                $"{(r.Passed ? "PASS" : "FAIL")}  {r.Case,-40} {r.Shape,-14} {r.Comparison.Summary}  (run {r.DeviceMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms, case {r.CaseSeconds.ToString("F1", CultureInfo.InvariantCulture)} s)"),
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = DeviceCheck.Run(backend, options);
        if (results.Count == 0) throw new GpuEngineException($"--cases '{Cases}' matches no case of the check");
        int failed = results.Count(r => !r.Passed);
        string reference = DeviceCheck.ReferenceFor(backend);
        var report = new Report($"Kernel and model check on {backend}", Columns, rowsKey: "cases")
            .AddFact("device", explanation)
            .AddFact("reference", reference)
            .AddFact("passed", results.Count - failed)
            .AddFact("failed", failed);
        foreach (var r in results)
            report.AddRow(r.Case, r.Shape, r.Precision.ToString().ToLowerInvariant(), r.Comparison.Summary, r.Comparison.Rule,
                r.Passed ? "pass" : "FAIL", r.DeviceMilliseconds, r.Kernels);
        var uncovered = DeviceCheck.Uncovered(results);
        if (uncovered.Count > 0) report.Notes.Add($"kernels no selected case launches: {string.Join(", ", uncovered)}");
        report.Notes.Add("fp32 error = max |device - reference| and that over max |reference|; int8 compares the int8 output and its dequantized floats bit for bit.");
        report.Notes.Add("int8 cases quantize once (calibration on the cpu backend, 2 random inputs) and run that fixed model on both sides; time = one warm run, host clock.");
        WriteOutput(context, w => ReportWriter.Write(report, format, w));
        context.Error.WriteLine(
            $"check on {backend}: {results.Count} cases, {results.Count - failed} passed, {failed} failed, against the {(backend == "cpu" ? "float64/integer reference loops" : "cpu backend")} ({clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s)");
        return failed == 0 ? 0 : CliApp.ExitFinding;
    }
}
