using System.Globalization;
using System.Text.RegularExpressions;
using GpuEngine.Ops;
using GpuEngine.Zoo;

namespace GpuEngine.Profiling.Validation;

/// <summary>
/// The CS231n-style lines of the VGG seed, e.g.
/// <c>CONV3-64: [224x224x64]  memory:  224*224*64=3.2M   weights: (3*3*3)*64 = 1,728</c>:
/// the shape, the product and the weight count are exact; the rounded memory figure is read like a table cell.
/// </summary>
internal static partial class VggTextBlock
{
    public static void Validate(string document, ValidationOptions options, ValidationResult result)
    {
        var lines = document.Replace("\r\n", "\n").Split('\n');
        var matches = lines.Select((l, i) => (Match: Line().Match(l), Number: i + 1)).Where(x => x.Match.Success).ToList();
        if (matches.Count == 0) return;
        var model = options.Model ?? SeedValidator.ModelNamedIn(document) ?? "vgg16";
        var first = matches[0].Match;
        var graph = ModelZoo.Create(model, options.Input ?? new(1, int.Parse(first.Groups["c"].Value), int.Parse(first.Groups["h"].Value), int.Parse(first.Groups["w"].Value)), options.Classes);
        string where = $"text block ({model})";
        var layers = new Queue<Ir.Node>(graph.Nodes.Where(n => n.Op is Conv2d or MaxPool2d or Linear));
        result.Tables++;
        foreach (var (m, number) in matches)
        {
            string label = m.Groups["label"].Value;
            Ir.TensorShape shape;
            long weights = 0;
            if (label == "INPUT") shape = graph.Inputs[0].Shape;
            else if (layers.TryDequeue(out var node))
            {
                shape = graph.OutputShape(node);
                weights = node.Op.Parameters.Where(p => p.Role == "weight").Sum(p => p.Shape.Elements);
            }
            else
            {
                result.Checks.Add(new Check(where, number, label, "layer", label, "", CheckStatus.Differ, "no matching layer left in the engine's model"));
                continue;
            }
            int h = shape.Rank == 4 ? shape.H : 1, w = shape.Rank == 4 ? shape.W : 1, c = shape[1];
            string stated = $"{m.Groups["h"].Value}x{m.Groups["w"].Value}x{m.Groups["c"].Value}";
            Add(result, where, number, label, "shape", stated, $"{h}x{w}x{c}", stated == $"{h}x{w}x{c}");
            long elements = shape.Elements / shape.N;
            long product = Product(m.Groups["product"].Value);
            Add(result, where, number, label, "memory product", m.Groups["product"].Value, elements.ToString(CultureInfo.InvariantCulture), product == elements);
            var rounded = HumanNumber.Parse(m.Groups["memory"].Value);
            Add(result, where, number, label, "memory", m.Groups["memory"].Value, elements.ToString("N0", CultureInfo.InvariantCulture), rounded?.Matches(elements) == true);
            var weightText = m.Groups["weights"].Value.Trim();
            long stated2 = weightText.Contains('=') ? long.Parse(weightText[(weightText.IndexOf('=') + 1)..].Replace(",", "").Trim(), CultureInfo.InvariantCulture) : long.Parse(weightText, CultureInfo.InvariantCulture);
            Add(result, where, number, label, "weights", weightText, weights.ToString("N0", CultureInfo.InvariantCulture), stated2 == weights);
        }
    }

    private static void Add(ValidationResult result, string where, int line, string row, string column, string stated, string engine, bool agrees) =>
        result.Checks.Add(new Check(where, line, row, column, stated, engine, agrees ? CheckStatus.Agree : CheckStatus.Differ));

    private static long Product(string expression) =>
        expression.Split('*', StringSplitOptions.RemoveEmptyEntries).Aggregate(1L, (a, t) => a * long.Parse(t.Trim(' ', '(', ')'), CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<label>INPUT|CONV\d+-\d+|POOL\d+|FC):\s*\[(?<h>\d+)x(?<w>\d+)x(?<c>\d+)\]\s*memory:\s*(?<product>[\d*]+)=(?<memory>[\d.,]+[KM]?)\s*weights:\s*(?<weights>.+?)\s*$")]
    private static partial Regex Line();
}
