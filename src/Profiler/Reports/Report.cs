namespace GpuEngine.Profiling.Reports;

/// <summary>How a column's values are written for people (<see cref="NumberFormat"/>): text as is, integers with thousands separators.</summary>
public enum ColumnKind
{
    Text,
    Integer,

    /// <summary>Fixed decimals (the column's <see cref="ReportColumn.Decimals"/>).</summary>
    Real,

    /// <summary>Three significant digits in fixed notation: errors and tolerances spanning many decades.</summary>
    Significant,
}

/// <summary>
/// One column. Its key is its one name: the table's header, the CSV header, the JSON key and what footnotes and
/// <c>--include</c> call it (an interface: never rename). <paramref name="Header"/> says in words what it holds
/// (<c>--include help</c> lists it), <paramref name="Unit"/> what it counts in.
/// </summary>
public sealed record ReportColumn(string Key, string Header, ColumnKind Kind = ColumnKind.Integer, int Decimals = 4, string? Unit = null);

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

    /// <summary>The columns a table for people shows unless asked for more; null: all of them.</summary>
    public IReadOnlyCollection<string>? DefaultKeys { get; set; }

    /// <summary>Conventions of single columns (key to note): <see cref="Select"/> adds each to the notes when its column stays.</summary>
    public Dictionary<string, string> ColumnNotes { get; } = [];

    /// <summary>Why a column has no data (key to reason): tables leave such a column out and say why once.</summary>
    public Dictionary<string, string> Missing { get; } = [];

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
    /// A report with some columns: the defaults (<see cref="DefaultKeys"/>, or every column when <paramref name="everyColumn"/>,
    /// as programs reading CSV or JSON want) plus <paramref name="include"/> ("all" adds every column), less
    /// <paramref name="exclude"/>, in this report's order. Unknown keys are an error that lists the known ones.
    /// </summary>
    public Report Select(IReadOnlyCollection<string>? include, IReadOnlyCollection<string>? exclude, bool everyColumn = false)
    {
        var known = Columns.Select(c => c.Key).ToHashSet();
        include ??= [];
        exclude ??= [];
        foreach (var key in include.Concat(exclude))
        {
            if (!known.Contains(key) && key != "all")
                throw new GpuEngineException($"unknown column '{key}'; the columns are {string.Join(", ", known)} (or all; --include help says what each holds)");
        }
        bool all = everyColumn || DefaultKeys is null || include.Contains("all");
        var keep = Enumerable.Range(0, Columns.Count)
            .Where(i => (all || DefaultKeys!.Contains(Columns[i].Key) || include.Contains(Columns[i].Key)) && !exclude.Contains(Columns[i].Key))
            .ToArray();
        var selected = new Report(Title, keep.Select(i => Columns[i]), RowsKey);
        selected.Facts.AddRange(Facts);
        selected.Notes.AddRange(Notes);
        foreach (var (key, reason) in Missing) selected.Missing[key] = reason;
        foreach (var i in keep)
        {
            if (ColumnNotes.TryGetValue(Columns[i].Key, out var note)) selected.Notes.Add(note);
        }
        foreach (var row in _rows) selected.AddRow([.. keep.Select(i => row[i])]);
        if (Totals is not null) selected.SetTotals([.. keep.Select(i => Totals[i])]);
        return selected;
    }

    /// <summary>Every column, one line each: key, unit, whether a table shows it by default, what it holds (<c>--include help</c>).</summary>
    public void WriteColumnHelp(TextWriter writer)
    {
        int width = Columns.Max(c => c.Key.Length);
        writer.WriteLine($"Columns of '{Title}' (--include KEY,KEY adds to the default (*), --include all shows every one, --exclude drops):");
        foreach (var c in Columns)
        {
            string mark = DefaultKeys is null || DefaultKeys.Contains(c.Key) ? "*" : " ";
            string unit = c.Unit is null ? "" : $" ({c.Unit})";
            writer.WriteLine($"  {mark} {c.Key.PadRight(width)}  {c.Header}{unit}");
        }
    }

    private object?[] CheckWidth(object?[] values) => values.Length == Columns.Count
        ? values
        : throw new ArgumentException($"report '{Title}' has {Columns.Count} columns, row has {values.Length}");
}
