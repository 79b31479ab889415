using GpuEngine.Profiling.Reports;

namespace GpuEngine.Cli;

/// <summary>--include and --exclude as every report verb reads them: one set of column names, listed by <c>--include help</c>.</summary>
internal static class ColumnChoice
{
    /// <summary>
    /// The columns to write: a table or Markdown gets the report's defaults plus --include ("all": every column), CSV and JSON
    /// get every column (programs read them); --exclude drops. Null when --include help printed the list instead.
    /// </summary>
    public static Report? Select(Report report, IEnumerable<string> include, IEnumerable<string> exclude, ReportFormat format, TextWriter output)
    {
        var keys = include.Select(k => k.Trim()).Where(k => k.Length > 0).ToList();
        if (keys.Contains("help"))
        {
            report.WriteColumnHelp(output);
            return null;
        }
        bool programs = format is ReportFormat.Csv or ReportFormat.Json;
        return report.Select(keys, [.. exclude.Select(k => k.Trim()).Where(k => k.Length > 0)], everyColumn: programs);
    }
}
