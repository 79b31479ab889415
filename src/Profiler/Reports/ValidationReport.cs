using GpuEngine.Profiling.Validation;

namespace GpuEngine.Profiling.Reports;

/// <summary>A validation as a report: one row per compared value (or per disagreement), with where it is and both figures.</summary>
public static class ValidationReport
{
    public static IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("table", "table", ColumnKind.Text),
        new("line", "line"),
        new("row", "row", ColumnKind.Text),
        new("column", "column", ColumnKind.Text),
        new("table_value", "table says", ColumnKind.Text),
        new("engine_value", "engine says", ColumnKind.Text),
        new("status", "status", ColumnKind.Text),
        new("note", "note", ColumnKind.Text),
    ];

    /// <param name="all">List agreeing values too; by default only the ones that differ.</param>
    public static Report Create(ValidationResult result, bool all)
    {
        var report = new Report($"Validation of {Path.GetFileName(result.Path)}", Columns, rowsKey: "checks")
            .AddFact("file", result.Path)
            .AddFact("tables", result.Tables)
            .AddFact("values_compared", result.Checks.Count)
            .AddFact("agree", result.Agreeing)
            .AddFact("differ", result.Disagreeing);
        foreach (var c in result.Checks.Where(c => all || c.Status != CheckStatus.Agree))
            report.AddRow(c.Table, c.Line, c.Row, c.Column, c.TableValue, c.EngineValue, c.Status.ToString().ToLowerInvariant(), c.Note);
        report.Notes.AddRange(result.Notes);
        report.Notes.Add("status: agree, differ, or typo (the table itself is malformed there); rounded cells (3.2M) agree when the exact figure reads as them.");
        return report;
    }
}
