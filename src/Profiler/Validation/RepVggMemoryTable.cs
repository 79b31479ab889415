using System.Globalization;
using GpuEngine.Ops;
using GpuEngine.Profiling.Costs;
using GpuEngine.Zoo;

namespace GpuEngine.Profiling.Validation;

/// <summary>
/// The seed's int8 memory-cost tables: one row per Conv2d and Linear layer of the deploy-form RepVGG,
/// named as torchsummary names them (Conv2d-1, Linear-68).
/// </summary>
internal static class RepVggMemoryTable
{
    private const string Layer = "layer";

    public static bool Recognizes(MarkdownTable table) =>
        table.Headers.Contains(Layer) && table.Headers.Contains("memory of addsum");

    public static void Validate(MarkdownTable table, string document, ValidationOptions options, ValidationResult result)
    {
        var model = SeedValidator.Resolve(options.Model ?? SeedValidator.ModelNamedIn(table.Heading), table);
        var input = options.Input ?? SeedValidator.InputSizeIn(document)
            ?? throw new GpuEngineException($"{table.Describe()}: the document states no input_size=(C,H,W); pass --input");
        int? classes = options.Classes ?? ClassesFromTable(table);
        var summary = ModelSummary.Create(ModelZoo.Create(model, input, classes));
        var byName = summary.Layers.Where(l => summary.SummaryNames.ContainsKey(l.Layer))
            .ToDictionary(l => summary.SummaryNames[l.Layer]);
        string where = $"{table.Heading} ({model}, {input}, {classes} classes)";

        var seen = new HashSet<string>();
        int layerColumn = table.Column(Layer);
        foreach (var row in table.Rows)
        {
            var name = row.Cell(layerColumn);
            seen.Add(name);
            if (!byName.TryGetValue(name, out var layer))
            {
                result.Checks.Add(new Check(where, row.Line, name, Layer, name, "", CheckStatus.Differ, "the engine's model has no layer of this name"));
                continue;
            }
            for (int c = 0; c < table.Headers.Count; c++)
            {
                if (EngineValue(table.Headers[c], layer) is not (string engine, Func<string, bool> agrees)) continue;
                var cell = row.Cell(c);
                result.Checks.Add(new Check(where, row.Line, name, table.Headers[c], cell, engine, agrees(cell) ? CheckStatus.Agree : CheckStatus.Differ));
            }
        }
        var absent = summary.Layers.Where(l => l.Type is "Conv2d" or "Linear")
            .Select(l => summary.SummaryNames[l.Layer]).Where(n => !seen.Contains(n)).ToList();
        if (absent.Count > 0)
            result.Notes.Add($"{where}: the table has no row for {string.Join(", ", absent)} (the engine's model has it)");
    }

    /// <summary>The engine's figure for a column, and how a table cell is compared with it; null for columns not checked.</summary>
    private static (string, Func<string, bool>)? EngineValue(string header, LayerCost layer)
    {
        long? exact = header switch
        {
            "size of feature map" => layer.OutShape.Elements / layer.OutShape.N,
            "memory of addsum" => layer.AddsumBytesInt32,
            "memory of quantized activation" => layer.ActBytesInt8,
            "memory of weight and bias" => layer.WeightBias,
            "memory cost" => layer.MemoryCost,
            _ => null,
        };
        if (exact is long v) return (v.ToString(CultureInfo.InvariantCulture), cell => cell == v.ToString(CultureInfo.InvariantCulture));
        if (header == "feature map shape")
        {
            var shape = "[" + string.Join(", ", layer.OutShape.Dims.Skip(1)) + "]";
            return (shape, cell => cell.Replace(" ", "") == shape.Replace(" ", ""));
        }
        if (header == "memory cost(m)")
        {
            // The seed rounds to 7 significant digits, half away from zero (63.515625 -> 63.51563): a cell agrees
            // when it is the engine's figure rounded to the cell's own decimals, whichever way a tie went.
            var kib = layer.MemoryCostKib;
            return (kib.ToString("0.########", CultureInfo.InvariantCulture), cell => RoundsTo(kib, cell));
        }
        return null;
    }

    private static bool RoundsTo(double exact, string cell)
    {
        if (!double.TryParse(cell, CultureInfo.InvariantCulture, out var shown)) return false;
        int decimals = cell.Contains('.') ? cell.Length - cell.IndexOf('.') - 1 : 0;
        return Math.Abs(exact - shown) <= 0.5 * Math.Pow(10, -decimals) * (1 + 1e-9);
    }

    private static int? ClassesFromTable(MarkdownTable table)
    {
        int layer = table.Column(Layer), shape = table.Column("feature map shape");
        var linear = table.Rows.LastOrDefault(r => r.Cell(layer).StartsWith(nameof(Linear), StringComparison.Ordinal));
        return linear is not null && int.TryParse(linear.Cell(shape).Trim('[', ']', ' '), out var k) ? k : null;
    }
}
