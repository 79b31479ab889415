namespace GpuEngine.Profiling.Validation;

/// <summary>The outcome of comparing one value of a table with the engine's.</summary>
public enum CheckStatus
{
    /// <summary>The table and the engine agree (at the table's precision).</summary>
    Agree,
    /// <summary>The figures differ.</summary>
    Differ,
    /// <summary>The table itself is malformed here (a decimal comma, a wrong unit): a typo in the source.</summary>
    Typo,
}

/// <summary>One compared value: where it is in the table, what the table says, what the engine computes.</summary>
public sealed record Check(string Table, int Line, string Row, string Column, string TableValue, string EngineValue, CheckStatus Status, string Note = "");

/// <summary>All checks of one validated document, and notes (rows the table lacks, inferred settings).</summary>
public sealed class ValidationResult(string path)
{
    public string Path { get; } = path;
    public List<Check> Checks { get; } = [];
    public List<string> Notes { get; } = [];
    public int Tables { get; set; }
    public int Agreeing => Checks.Count(c => c.Status == CheckStatus.Agree);
    public int Disagreeing => Checks.Count - Agreeing;
}
