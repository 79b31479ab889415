using System.Globalization;
using System.Text.RegularExpressions;
using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Zoo;

namespace GpuEngine.Profiling.Validation;

/// <summary>
/// The VGG layer table of the seed (name, ksize, stride, padding, channel, size, params, memory): rows input, convX_Y,
/// maxpool, fcN, total, matched in order to the engine's input, Conv2d, MaxPool2d and Linear layers. Figures are
/// rounded for people ("3.2M"), so a cell agrees when the engine's exact figure reads as it at its precision.
/// params counts weights without biases and memory counts elements, as the document's own notes do.
/// </summary>
internal static partial class VggLayerTable
{
    public static bool Recognizes(MarkdownTable table) =>
        table.Headers.Contains("name") && table.Headers.Contains("ksize") && table.Headers.Contains("params");

    public static void Validate(MarkdownTable table, string document, ValidationOptions options, ValidationResult result)
    {
        var model = SeedValidator.Resolve(options.Model ?? SeedValidator.ModelNamedIn(table.Heading + "\n" + table.Context), table);
        var graph = ModelZoo.Create(model, options.Input ?? InputFromTable(table), options.Classes ?? ClassesFromTable(table));
        string where = $"{table.Heading} ({model}, {graph.Inputs[0].Shape})".TrimStart();
        var check = new Checker(table, where, result);

        int memory = table.Headers.ToList().FindIndex(h => h.StartsWith("memory", StringComparison.Ordinal));
        if (memory >= 0 && table.Headers[memory].Contains("(b)"))
        {
            result.Checks.Add(new Check(where, table.Line, "(header)", table.Headers[memory], table.Headers[memory], "elements", CheckStatus.Typo,
                "the column counts elements, not bytes: the document's own notes multiply it by 4 bytes"));
        }

        var convs = new Queue<Node>(graph.Nodes.Where(n => n.Op is Conv2d));
        var pools = new Queue<Node>(graph.Nodes.Where(n => n.Op is MaxPool2d));
        var linears = new Queue<Node>(graph.Nodes.Where(n => n.Op is Linear));
        long totalWeights = 0, totalActivations = graph.Inputs[0].Shape.Elements;
        foreach (var row in table.Rows)
        {
            var name = row.Cell(table.Column("name")).Trim('`', ' ');
            var input = graph.Inputs[0].Shape;
            if (name.Length == 0) continue;
            if (name == "input")
            {
                check.Exact(row, name, "channel", input.C);
                check.Size(row, name, input);
                check.Human(row, name, memory, input.Elements / input.N);
                continue;
            }
            if (name == "total")
            {
                check.Human(row, name, table.Column("params"), totalWeights);
                check.Human(row, name, memory, totalActivations);
                continue;
            }
            var queue = name.StartsWith("conv") ? convs : name.StartsWith("maxpool") ? pools : name.StartsWith("fc") ? linears : null;
            if (queue is null || queue.Count == 0)
            {
                result.Checks.Add(new Check(where, row.Line, name, "name", name, "", CheckStatus.Differ, "no matching layer left in the engine's model"));
                continue;
            }
            var node = queue.Dequeue();
            var output = graph.OutputShape(node);
            long weights = node.Op.Parameters.Where(p => p.Role == "weight").Sum(p => p.Shape.Elements);
            totalWeights += weights;
            totalActivations += output.Elements;
            switch (node.Op)
            {
                case Conv2d conv:
                    check.Exact(row, name, "ksize", conv.Kernel.H);
                    check.Exact(row, name, "stride", conv.Stride.H);
                    check.Exact(row, name, "padding", conv.Padding.H);
                    check.Exact(row, name, "channel", conv.OutChannels);
                    break;
                case MaxPool2d pool:
                    check.Exact(row, name, "ksize", pool.Kernel.H);
                    check.Exact(row, name, "stride", pool.Stride.H);
                    break;
                case Linear linear:
                    check.Exact(row, name, "channel", linear.OutFeatures);
                    break;
            }
            check.Size(row, name, output.Rank == 4 ? output : new TensorShape(output.N, output[1], 1, 1));
            check.Human(row, name, table.Column("params"), weights);
            check.Human(row, name, memory, output.Elements / output.N);
        }
    }

    private static TensorShape? InputFromTable(MarkdownTable table)
    {
        var row = table.Rows.FirstOrDefault(r => r.Cell(table.Column("name")).Trim('`') == "input");
        if (row is null || !int.TryParse(row.Cell(table.Column("channel")), out var c)) return null;
        var m = SizeCell().Match(row.Cell(table.Column("size")));
        return m.Success ? new TensorShape(1, c, int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value)) : null;
    }

    private static int? ClassesFromTable(MarkdownTable table)
    {
        var last = table.Rows.LastOrDefault(r => r.Cell(table.Column("name")).Trim('`').StartsWith("fc"));
        return last is not null && int.TryParse(last.Cell(table.Column("channel")), out var k) ? k : null;
    }

    [GeneratedRegex(@"(\d+)\s*\\times\s*(\d+)")]
    internal static partial Regex SizeCell();

    /// <summary>Adds one check per compared cell; empty cells are not compared.</summary>
    private sealed class Checker(MarkdownTable table, string where, ValidationResult result)
    {
        public void Exact(MarkdownRow row, string name, string header, long engine)
        {
            var cell = row.Cell(table.Column(header));
            if (cell.Length == 0) return;
            var status = cell == engine.ToString(CultureInfo.InvariantCulture) ? CheckStatus.Agree : CheckStatus.Differ;
            result.Checks.Add(new Check(where, row.Line, name, header, cell, engine.ToString(CultureInfo.InvariantCulture), status));
        }

        public void Size(MarkdownRow row, string name, TensorShape shape)
        {
            var cell = row.Cell(table.Column("size"));
            if (cell.Length == 0) return;
            var m = SizeCell().Match(cell);
            string engine = $"{shape.H} x {shape.W}";
            bool agrees = m.Success && int.Parse(m.Groups[1].Value) == shape.H && int.Parse(m.Groups[2].Value) == shape.W;
            result.Checks.Add(new Check(where, row.Line, name, "size", cell, engine, agrees ? CheckStatus.Agree : CheckStatus.Differ));
        }

        public void Human(MarkdownRow row, string name, int column, long engine)
        {
            var cell = row.Cell(column);
            if (column < 0 || cell.Length == 0) return;
            var header = table.Headers[column];
            var text = engine.ToString("N0", CultureInfo.InvariantCulture);
            var number = HumanNumber.Parse(cell);
            if (number is null)
            {
                result.Checks.Add(new Check(where, row.Line, name, header, cell, text, CheckStatus.Typo, "not a number"));
                return;
            }
            var status = !number.Matches(engine) ? CheckStatus.Differ : number.DecimalComma ? CheckStatus.Typo : CheckStatus.Agree;
            var note = number.DecimalComma ? $"'{cell}' has a decimal comma; read as {number.Value.ToString(CultureInfo.InvariantCulture)}{cell[^1]}" : "";
            result.Checks.Add(new Check(where, row.Line, name, header, cell, text, status, note));
        }
    }
}
