using CommandLine;
using GpuEngine.Ir;
using GpuEngine.Profiling.Reports;
using GpuEngine.Profiling.Validation;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine validate --table FILE</c>: compares the Markdown tables of a document (the seed tables) with the
/// engine's analytic figures and exits non-zero where any value differs.
/// </summary>
[Verb("validate", HelpText = "Compare a Markdown table of layer figures (the seed tables) with the engine's, cell by cell.")]
public sealed class ValidateVerb : OutputOptions, ICommand
{
    [Option("table", Required = true, HelpText = "Markdown file with the tables to check.")]
    public string Table { get; set; } = "";

    [Option('m', "model", HelpText = "Zoo model for every table (default: named in each table's heading).")]
    public string? Model { get; set; }

    [Option("input", HelpText = "Input shape like 1x3x112x112 (default: stated in the document).")]
    public string? Input { get; set; }

    [Option("classes", HelpText = "Class count (default: the table's last layer).")]
    public int? Classes { get; set; }

    [Option("all", HelpText = "List agreeing values too, not only differences.")]
    public bool All { get; set; }

    public int Execute(CommandContext context)
    {
        var format = ReportFormat();
        var options = new ValidationOptions(Model, Input is null ? null : TensorShape.Parse(Input), Classes);
        var result = SeedValidator.Validate(Table, options);
        var report = ValidationReport.Create(result, All);
        WriteOutput(context, w => ReportWriter.Write(report, format, w));
        if (result.Disagreeing == 0) return 0;
        context.Error.WriteLine($"gpuengine: validate: {result.Disagreeing} of {result.Checks.Count} values in '{Table}' differ from the engine's");
        return CliApp.ExitFinding;
    }
}
