using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

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
/// the table and Markdown are for people (thousands separators, totals, the conventions under the table). Every format
/// names a column by its key.
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

    /// <summary>A Markdown table with the facts above and the notes below; like the table, it leaves out columns without data and says why.</summary>
    public static void WriteMarkdown(Report report, TextWriter writer)
    {
        writer.WriteLine($"## {report.Title}");
        writer.WriteLine();
        foreach (var (key, value) in report.Facts) writer.WriteLine($"- {key}: {Human(value, FactColumn)}");
        if (report.Facts.Count > 0) writer.WriteLine();
        var shown = Enumerable.Range(0, report.Columns.Count)
            .Where(i => report.Rows.Any(r => r[i] is not null) || report.Rows.Count == 0).ToList();
        writer.WriteLine("| " + string.Join(" | ", shown.Select(i => report.Columns[i].Key)) + " |");
        writer.WriteLine("|" + string.Join("|", shown.Select(i => report.Columns[i].Kind == ColumnKind.Text ? "---" : "---:")) + "|");
        foreach (var row in report.Rows)
            writer.WriteLine("| " + string.Join(" | ", shown.Select(i => Human(row[i], report.Columns[i]))) + " |");
        if (report.Totals is { } totals)
            writer.WriteLine("| " + string.Join(" | ", shown.Select(i => totals[i] is null ? "" : $"**{Human(totals[i], report.Columns[i])}**")) + " |");
        var missing = Enumerable.Range(0, report.Columns.Count).Except(shown)
            .Select(i => $"{report.Columns[i].Key}: not shown, {report.Missing.GetValueOrDefault(report.Columns[i].Key, "no row has a value")}.").ToList();
        if (report.Notes.Count + missing.Count > 0)
        {
            writer.WriteLine();
            foreach (var note in missing.Concat(report.Notes)) writer.WriteLine($"- {note}");
        }
    }

    /// <summary>The widest line a table for people writes (notes and facts wrap; only very wide rows exceed it).</summary>
    public const int LineWidth = 120;

    /// <summary>
    /// A plain aligned table: headers are the column keys (a key longer than its values breaks at an underscore onto a
    /// second header line), text left, numbers right with thousands separators. A column no row has data for is left out
    /// and a footnote says why; facts and notes wrap at <see cref="LineWidth"/>.
    /// </summary>
    public static void WriteTable(Report report, TextWriter writer)
    {
        writer.WriteLine(report.Title);
        foreach (var (key, value) in report.Facts) WriteWrapped(writer, $"  {key}: {Human(value, FactColumn)}", "      ");
        var shown = Enumerable.Range(0, report.Columns.Count)
            .Where(i => report.Rows.Any(r => r[i] is not null) || report.Rows.Count == 0).ToList();
        var lines = report.Rows.Select(r => shown.Select(i => Human(r[i], report.Columns[i])).ToArray()).ToList();
        string[]? totals = report.Totals is null ? null : [.. shown.Select(i => Human(report.Totals[i], report.Columns[i]))];
        var widths = shown.Select((i, s) => lines.Select(l => l[s].Length).Append(totals?[s].Length ?? 0).DefaultIfEmpty().Max()).ToArray();
        var headers = shown.Select((i, s) => HeaderLines(report.Columns[i].Key, widths[s])).ToArray();
        for (int s = 0; s < shown.Count; s++) widths[s] = Math.Max(widths[s], headers[s].Max(h => h.Length));
        bool[] right = [.. shown.Select(i => report.Columns[i].Kind != ColumnKind.Text)];
        bool cut = FitText(widths, right, [.. shown.Select((_, s) => lines.Select(l => l[s].Length).ToArray())]);
        string Cell(string c, int s) => c.Length <= widths[s] ? c : c[..((widths[s] - 1) / 2)] + "~" + c[^(widths[s] - 1 - (widths[s] - 1) / 2)..];
        string Line(IReadOnlyList<string> cells) =>
            string.Join("  ", cells.Select((c, s) => right[s] ? c.PadLeft(widths[s]) : Cell(c, s).PadRight(widths[s]))).TrimEnd();

        if (report.Rows.Count > 0)
        {
            int headerLines = headers.Max(h => h.Length);
            for (int h = 0; h < headerLines; h++)
                writer.WriteLine(Line([.. headers.Select(lines2 => h < lines2.Length ? lines2[h] : "")]));
            writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
            foreach (var line in lines) writer.WriteLine(Line(line));
            if (totals is not null)
            {
                writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
                writer.WriteLine(Line(totals));
            }
        }
        else writer.WriteLine("  (no rows)");
        if (cut) WriteWrapped(writer, $"  * text cells longer than their column are cut in the middle (~) to fit {LineWidth} characters; csv and json have them whole.", "    ");
        foreach (var i in Enumerable.Range(0, report.Columns.Count).Except(shown))
        {
            var key = report.Columns[i].Key;
            WriteWrapped(writer, $"  * {key}: not shown, {report.Missing.GetValueOrDefault(key, "no row has a value")}.", "    ");
        }
        foreach (var note in report.Notes) WriteWrapped(writer, $"  * {note}", "    ");
    }

    /// <summary>
    /// The header of a column: its key, broken after underscores onto as many lines as keep it no wider than its values
    /// (or than its longest underscore-separated part).
    /// </summary>
    private static string[] HeaderLines(string key, int valueWidth)
    {
        if (key.Length <= valueWidth) return [key];
        var words = key.Split('_');
        var parts = words.Select((p, i) => i < words.Length - 1 ? p + "_" : p).ToArray();
        int target = Math.Max(valueWidth, parts.Max(p => p.Length));
        var lines = new List<string> { "" };
        foreach (var part in parts)
        {
            if (lines[^1].Length > 0 && lines[^1].Length + part.Length > target) lines.Add("");
            lines[^1] += part;
        }
        return [.. lines];
    }

    /// <summary>
    /// Narrows text columns (not below 12) until the line fits <see cref="LineWidth"/>, each time the one where the fewest
    /// cells get cut (a type column with one long name before a name column); true when any was narrowed. A table that
    /// cannot fit (a summary with every column) is left whole.
    /// </summary>
    private static bool FitText(int[] widths, bool[] right, int[][] cellLengths)
    {
        const int narrowest = 12;
        bool cut = false;
        // A table too wide even with its text columns cut stays whole: cutting would lose names and still not fit.
        int narrowestLine = widths.Select((w, s) => right[s] ? w : Math.Min(w, narrowest)).Sum() + 2 * (widths.Length - 1);
        if (narrowestLine > LineWidth) return false;
        while (widths.Sum() + 2 * (widths.Length - 1) > LineWidth)
        {
            int best = -1, bestCut = int.MaxValue;
            for (int s = 0; s < widths.Length; s++)
            {
                if (right[s] || widths[s] <= narrowest) continue;
                int cuts = cellLengths[s].Count(n => n >= widths[s]);
                if (cuts < bestCut || (cuts == bestCut && widths[s] > widths[best])) (best, bestCut) = (s, cuts);
            }
            if (best < 0) break;
            widths[best]--;
            cut = true;
        }
        return cut;
    }

    /// <summary>Writes <paramref name="text"/> in lines of at most <see cref="LineWidth"/>, breaking at spaces; later lines start with <paramref name="continuation"/>.</summary>
    public static void WriteWrapped(TextWriter writer, string text, string continuation)
    {
        int indent = text.Length - text.TrimStart(' ').Length;
        var line = new System.Text.StringBuilder(text[..indent]);
        bool empty = true;
        foreach (var word in text[indent..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > LineWidth)
            {
                writer.WriteLine(line.ToString());
                line.Clear().Append(continuation);
                empty = true;
            }
            if (!empty) line.Append(' ');
            line.Append(word);
            empty = false;
        }
        writer.WriteLine(line.ToString());
    }

    /// <summary>How facts are written: reals (milliseconds mostly) with three decimals.</summary>
    private static readonly ReportColumn FactColumn = new("fact", "fact", ColumnKind.Real, 3);

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

    /// <summary>The value as a person reads it (<see cref="NumberFormat"/>): thousands separators, reals to the column's decimals.</summary>
    private static string Human(object? value, ReportColumn? column) => value switch
    {
        null => "",
        int or long => NumberFormat.Count(Convert.ToInt64(value)),
        double or float when column?.Kind == ColumnKind.Significant => NumberFormat.Significant(Convert.ToDouble(value)),
        double or float => NumberFormat.Fixed(Convert.ToDouble(value), column?.Decimals ?? 4),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Csv(string text) =>
        text.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
}
