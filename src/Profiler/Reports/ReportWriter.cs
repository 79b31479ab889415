using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GpuEngine.Profiling.Reports;

/// <summary>Report formats every verb shares. Verbs may add their own (svg, trace).</summary>
public enum ReportFormat
{
    Table,
    Csv,
    Json,
    Md,
}

/// <summary>
/// Renders a <see cref="Report"/>. CSV and JSON are for programs (invariant culture, raw numbers, keys as column keys);
/// the table and Markdown are for people (thousands separators, totals, the conventions under the table).
/// </summary>
public static class ReportWriter
{
    public static void Write(Report report, ReportFormat format, TextWriter writer)
    {
        switch (format)
        {
            case ReportFormat.Csv: WriteCsv(report, writer); break;
            case ReportFormat.Json: WriteJson(report, writer); break;
            case ReportFormat.Md: WriteMarkdown(report, writer); break;
            default: WriteTable(report, writer); break;
        }
    }

    /// <summary>One header line of column keys, then one line per row; no totals row (rows are the data).</summary>
    public static void WriteCsv(Report report, TextWriter writer)
    {
        writer.WriteLine(string.Join(',', report.Columns.Select(c => Csv(c.Key))));
        foreach (var row in report.Rows)
            writer.WriteLine(string.Join(',', row.Select((v, i) => Csv(Raw(v, report.Columns[i])))));
    }

    public static void WriteJson(Report report, TextWriter writer)
    {
        var root = new JsonObject { ["title"] = report.Title };
        foreach (var (key, value) in report.Facts) root[key] = JsonValueOf(value);
        root["conventions"] = new JsonArray([.. report.Notes.Select(n => (JsonNode?)JsonValue.Create(n))]);
        root[report.RowsKey] = new JsonArray([.. report.Rows.Select(r => (JsonNode?)RowObject(report, r))]);
        if (report.Totals is not null) root["totals"] = RowObject(report, report.Totals);
        writer.WriteLine(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public static void WriteMarkdown(Report report, TextWriter writer)
    {
        writer.WriteLine($"## {report.Title}");
        writer.WriteLine();
        foreach (var (key, value) in report.Facts) writer.WriteLine($"- {key}: {Human(value, null)}");
        if (report.Facts.Count > 0) writer.WriteLine();
        writer.WriteLine("| " + string.Join(" | ", report.Columns.Select(c => c.Header)) + " |");
        writer.WriteLine("|" + string.Join("|", report.Columns.Select(c => c.Kind == ColumnKind.Text ? "---" : "---:")) + "|");
        foreach (var row in report.Rows)
            writer.WriteLine("| " + string.Join(" | ", row.Select((v, i) => Human(v, report.Columns[i]))) + " |");
        if (report.Totals is not null)
            writer.WriteLine("| " + string.Join(" | ", report.Totals.Select((v, i) => v is null ? "" : $"**{Human(v, report.Columns[i])}**")) + " |");
        if (report.Notes.Count > 0)
        {
            writer.WriteLine();
            foreach (var note in report.Notes) writer.WriteLine($"- {note}");
        }
    }

    /// <summary>A Spectre.Console table, aligned, numbers right-aligned with thousands separators, no colour codes.</summary>
    public static void WriteTable(Report report, TextWriter writer)
    {
        var buffer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(buffer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 4096; // never wrap cells: a wide table stays one line per row
        var table = new Table().Border(TableBorder.Minimal);
        foreach (var c in report.Columns)
            table.AddColumn(new TableColumn(Markup.Escape(c.Header)) { Alignment = c.Kind == ColumnKind.Text ? Justify.Left : Justify.Right });
        foreach (var row in report.Rows) table.AddRow(Cells(report, row));
        if (report.Totals is not null)
        {
            table.AddEmptyRow();
            table.AddRow(Cells(report, report.Totals));
        }
        if (report.Rows.Count > 0) console.Write(table);

        writer.WriteLine(report.Title);
        foreach (var (key, value) in report.Facts) writer.WriteLine($"  {key}: {Human(value, null)}");
        foreach (var line in buffer.ToString().Split('\n'))
        {
            if (line.Trim().Length > 0) writer.WriteLine(line.TrimEnd());
        }
        if (report.Rows.Count == 0) writer.WriteLine("  (no rows)");
        foreach (var note in report.Notes) writer.WriteLine($"  * {note}");
    }

    private static IRenderable[] Cells(Report report, object?[] row) =>
        [.. row.Select((v, i) => (IRenderable)new Text(Human(v, report.Columns[i])))];

    private static JsonObject RowObject(Report report, object?[] row)
    {
        var o = new JsonObject();
        for (int i = 0; i < row.Length; i++) o[report.Columns[i].Key] = JsonValueOf(row[i]);
        return o;
    }

    private static JsonNode? JsonValueOf(object? value) => value switch
    {
        null => null,
        JsonNode node => node,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int or long => JsonValue.Create(Convert.ToInt64(value)),
        float or double => JsonValue.Create(Convert.ToDouble(value)),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>The value as a program reads it: invariant culture, no separators, reals round-trip.</summary>
    private static string Raw(object? value, ReportColumn column) => value switch
    {
        null => "",
        double d => d.ToString(column.Kind == ColumnKind.Real ? "R" : "G", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The value as a person reads it: thousands separators, reals to the column's decimals.</summary>
    private static string Human(object? value, ReportColumn? column) => value switch
    {
        null => "",
        int or long => Convert.ToInt64(value).ToString("N0", CultureInfo.InvariantCulture),
        // Negative decimals: that many significant digits (errors spanning 1e-8 to 1).
        double or float when column is { Decimals: < 0 } => Convert.ToDouble(value).ToString("G" + -column.Decimals, CultureInfo.InvariantCulture),
        double or float => Convert.ToDouble(value).ToString("N" + (column?.Decimals ?? 4), CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Csv(string text) =>
        text.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
}
