namespace GpuEngine.Profiling.Reports;

/// <summary>How a column's values are written: text as is, integers with thousands separators in tables.</summary>
public enum ColumnKind
{
    Text,
    Integer,
    Real,
}

/// <summary>One column: its machine key (CSV header, JSON key — an interface: never rename), its header for people, its kind; a real column shows <c>Decimals</c> digits after the point in tables (negative: that many significant digits).</summary>
public sealed record ReportColumn(string Key, string Header, ColumnKind Kind = ColumnKind.Integer, int Decimals = 4);

/// <summary>
/// A tabular report independent of its format: title, facts about the run (model, device, input),
/// columns, rows, an optional totals row and the conventions it follows. <see cref="ReportWriter"/> renders it
/// as a table for people, CSV, JSON or Markdown.
/// </summary>
public sealed class Report
{
    private readonly List<object?[]> _rows = [];

    public Report(string title, IEnumerable<ReportColumn> columns, string rowsKey = "rows")
    {
        Title = title;
        Columns = [.. columns];
        RowsKey = rowsKey;
    }

    public string Title { get; }
    public IReadOnlyList<ReportColumn> Columns { get; }

    /// <summary>The JSON key of the row array ("layers", "tensors", ...).</summary>
    public string RowsKey { get; }

    public IReadOnlyList<object?[]> Rows => _rows;

    /// <summary>The totals row (same columns; null cells are left empty), or null when totals make no sense.</summary>
    public object?[]? Totals { get; private set; }

    /// <summary>Facts about the report (model, input, device), in order; JSON writes them as top-level keys.</summary>
    public List<KeyValuePair<string, object?>> Facts { get; } = [];

    /// <summary>The conventions the figures follow, stated under every rendering.</summary>
    public List<string> Notes { get; } = [];

    public Report AddFact(string key, object? value)
    {
        Facts.Add(new(key, value));
        return this;
    }

    public void AddRow(params object?[] values) => _rows.Add(CheckWidth(values));

    public void SetTotals(params object?[] values) => Totals = CheckWidth(values);

    /// <summary>Sums the integer and real columns of all rows; text columns get <paramref name="label"/> in the first one.</summary>
    public void SetTotalsFromRows(string label = "total")
    {
        var totals = new object?[Columns.Count];
        for (int c = 0; c < Columns.Count; c++)
        {
            totals[c] = Columns[c].Kind switch
            {
                ColumnKind.Integer => _rows.Sum(r => Convert.ToInt64(r[c] ?? 0L)),
                ColumnKind.Real => _rows.Sum(r => Convert.ToDouble(r[c] ?? 0.0)),
                _ => c == 0 ? label : null,
            };
        }
        Totals = totals;
    }

    /// <summary>
    /// A report with only some columns: <paramref name="include"/> (if any) keeps the named keys, in this report's order;
    /// <paramref name="exclude"/> drops keys. Unknown keys are an error that lists the known ones.
    /// </summary>
    public Report Select(IReadOnlyCollection<string>? include, IReadOnlyCollection<string>? exclude)
    {
        var known = Columns.Select(c => c.Key).ToHashSet();
        foreach (var key in (include ?? []).Concat(exclude ?? []))
        {
            if (!known.Contains(key))
                throw new GpuEngineException($"unknown column '{key}'; the columns are {string.Join(", ", known)}");
        }
        var keep = Enumerable.Range(0, Columns.Count)
            .Where(i => (include is null || include.Count == 0 || include.Contains(Columns[i].Key)) && (exclude is null || !exclude.Contains(Columns[i].Key)))
            .ToArray();
        var selected = new Report(Title, keep.Select(i => Columns[i]), RowsKey);
        selected.Facts.AddRange(Facts);
        selected.Notes.AddRange(Notes);
        foreach (var row in _rows) selected.AddRow([.. keep.Select(i => row[i])]);
        if (Totals is not null) selected.SetTotals([.. keep.Select(i => Totals[i])]);
        return selected;
    }

    private object?[] CheckWidth(object?[] values) => values.Length == Columns.Count
        ? values
        : throw new ArgumentException($"report '{Title}' has {Columns.Count} columns, row has {values.Length}");
}
