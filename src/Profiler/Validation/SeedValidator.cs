using System.Text.RegularExpressions;
using GpuEngine.Ir;
using GpuEngine.Zoo;

namespace GpuEngine.Profiling.Validation;

/// <summary>
/// Compares the Markdown tables of a document with the engine's analytic figures, row by row and column by column.
/// Knows the table kinds of the seed documents: the int8 memory-cost tables of RepVGG and the VGG layer table.
/// </summary>
public static partial class SeedValidator
{
    public static ValidationResult Validate(string path, ValidationOptions options) =>
        ValidateText(GpuEngine.IO.InputFile.ReadText(path, "--table"), path, options);

    /// <summary>Validates Markdown <paramref name="text"/> already read; <paramref name="path"/> names it in messages.</summary>
    public static ValidationResult ValidateText(string text, string path, ValidationOptions options)
    {
        try
        {
            return ValidateTables(text, path, options);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            // The table readers parse the digits their patterns matched; a corrupt document can still hold a number
            // too large for its type or an expression like "(3*3*128)" where digits were expected (found by fuzzing).
            throw new GpuEngineException($"'{path}': a number in a table or the text cannot be read: {e.Message}", e);
        }
    }

    private static ValidationResult ValidateTables(string text, string path, ValidationOptions options)
    {
        var result = new ValidationResult(path);
        foreach (var table in MarkdownTables.Parse(text))
        {
            if (RepVggMemoryTable.Recognizes(table)) RepVggMemoryTable.Validate(table, text, options, result);
            else if (VggLayerTable.Recognizes(table)) VggLayerTable.Validate(table, text, options, result);
            else
            {
                result.Notes.Add($"{table.Describe()}: columns ({string.Join(", ", table.Headers)}) are not a known table kind; skipped");
                continue;
            }
            result.Tables++;
        }
        VggTextBlock.Validate(text, options, result);
        if (result.Tables == 0)
            throw new GpuEngineException($"'{path}' holds no table this validator knows (RepVGG int8 memory-cost tables, VGG layer tables)");
        return result;
    }

    /// <summary>A zoo model named in <paramref name="text"/> (a heading like "RepVGG-A0", prose like "VGG16"), or null.</summary>
    internal static string? ModelNamedIn(string text)
    {
        foreach (Match m in ModelName().Matches(text))
        {
            var candidate = m.Value.Replace(" ", "").ToLowerInvariant();
            if (ModelZoo.Find(candidate) is not null) return candidate;
        }
        return null;
    }

    /// <summary>The input shape a document states as <c>input_size=(3,112,112)</c>, batch 1, or null.</summary>
    internal static TensorShape? InputSizeIn(string text)
    {
        var m = InputSize().Match(text);
        return m.Success
            ? new TensorShape(1, int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value))
            : null;
    }

    internal static string Resolve(string? model, MarkdownTable table) => model ?? throw new GpuEngineException(
        $"{table.Describe()}: no zoo model is named above the table; pass --model");

    [GeneratedRegex(@"(RepVGG-[A-Z]\d(g\d)?|VGG ?\d\d(_bn)?)", RegexOptions.IgnoreCase)]
    private static partial Regex ModelName();

    [GeneratedRegex(@"input_size\s*=\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)")]
    private static partial Regex InputSize();
}
