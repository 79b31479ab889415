using System.Text.RegularExpressions;

namespace GpuEngine.Profiling.Validation;

/// <summary>A Markdown table found in a document, with the heading above it and the prose between it and the previous table.</summary>
/// <param name="Line">1-based line of the header row.</param>
/// <param name="Headers">Header cells, lower-cased with white space folded ("size of feature map").</param>
public sealed record MarkdownTable(string Heading, string Context, int Line, IReadOnlyList<string> Headers, IReadOnlyList<MarkdownRow> Rows)
{
    /// <summary>Index of the column whose normalized header is <paramref name="header"/>, or -1.</summary>
    public int Column(string header) => Headers.ToList().IndexOf(header);

    public string Describe() => Heading.Length > 0 ? $"'{Heading}' (line {Line})" : $"table at line {Line}";
}

/// <summary>A data row: its 1-based line and trimmed cells.</summary>
public sealed record MarkdownRow(int Line, IReadOnlyList<string> Cells)
{
    public string Cell(int column) => column >= 0 && column < Cells.Count ? Cells[column] : "";
}

/// <summary>Finds pipe tables in Markdown text (header row, separator row, data rows).</summary>
public static partial class MarkdownTables
{
    public static IReadOnlyList<MarkdownTable> Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var tables = new List<MarkdownTable>();
        string heading = "";
        var context = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith('#'))
            {
                heading = line.TrimStart('#').Trim();
                context.Clear();
                continue;
            }
            bool isTable = line.StartsWith('|') && i + 1 < lines.Length && Separator().IsMatch(lines[i + 1].Trim());
            if (!isTable)
            {
                context.Add(line);
                continue;
            }
            var headers = Cells(line).Select(Normalize).ToList();
            var rows = new List<MarkdownRow>();
            int j = i + 2;
            for (; j < lines.Length && lines[j].Trim().StartsWith('|'); j++) rows.Add(new MarkdownRow(j + 1, Cells(lines[j].Trim())));
            tables.Add(new MarkdownTable(heading, string.Join('\n', context), i + 1, headers, rows));
            context.Clear();
            i = j - 1;
        }
        return tables;
    }

    /// <summary>Lower case, white space folded to one space: "size of feature  map" equals "size of feature map".</summary>
    public static string Normalize(string header) => Spaces().Replace(header.Trim().ToLowerInvariant(), " ");

    private static List<string> Cells(string row)
    {
        var inner = row.Trim();
        if (inner.StartsWith('|')) inner = inner[1..];
        if (inner.EndsWith('|')) inner = inner[..^1];
        return [.. inner.Split('|').Select(c => c.Trim())];
    }

    [GeneratedRegex(@"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")]
    private static partial Regex Separator();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
