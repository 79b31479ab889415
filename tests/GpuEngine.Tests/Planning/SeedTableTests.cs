using System.Text.RegularExpressions;
using GpuEngine.Ir;
using GpuEngine.Planning;
using GpuEngine.Profiling;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Planning;

/// <summary>
/// int8 addsum mode reproduces the seed's memory-cost tables: for every row (Conv2d-1 ... Linear-68) the
/// planned int32 addsum buffer and int8 activation of that layer have exactly the table's bytes.
/// </summary>
public sealed partial class SeedTableTests
{
    private static readonly string SeedPath = Path.Combine(AppContext.BaseDirectory, "Data", "seeds", "repvgg_memory_cost_tables.md");

    /// <summary>(model, layer, addsum bytes, activation bytes) for every table row, read by a small parser of its own.</summary>
    private static List<(string Model, string Layer, long Addsum, long Activation)> Rows()
    {
        var rows = new List<(string, string, long, long)>();
        string? model = null;
        int addsum = -1, activation = -1, layer = -1;
        foreach (var line in File.ReadLines(SeedPath))
        {
            if (line.StartsWith("## RepVGG-", StringComparison.Ordinal))
            {
                model = line[3..].Trim().ToLowerInvariant();
                continue;
            }
            if (model is null || !line.StartsWith('|')) continue;
            var cells = line.Trim('|').Split('|').Select(c => Spaces().Replace(c.Trim(), " ")).ToArray();
            if (cells.Contains("layer"))
            {
                (layer, addsum, activation) = (Array.IndexOf(cells, "layer"), Array.IndexOf(cells, "memory of addsum"),
                    Array.IndexOf(cells, "memory of quantized activation"));
                continue;
            }
            if (layer < 0 || !Regex.IsMatch(cells[layer], @"^(Conv2d|Linear)-\d+$")) continue;
            rows.Add((model, cells[layer], long.Parse(cells[addsum]), long.Parse(cells[activation])));
        }
        return rows;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [Fact]
    public void AddsumModeBuffersEqualTheSeedTables()
    {
        var rows = Rows();
        Assert.Equal(23 * 6 + 10 * 2, rows.Count); // A0, N0-N4 have 23 rows; M0, M1 have 10
        var options = new PlanOptions { Precision = Precision.Int8, Mode = Int8Mode.Addsum };
        foreach (var group in rows.GroupBy(r => r.Model))
        {
            var graph = ModelZoo.Create(group.Key, new TensorShape(1, 3, 112, 112), 89);
            var plan = MemoryPlanner.Plan(graph, options);
            var nodeOf = TorchSummaryNames.For(graph).ToDictionary(kv => kv.Value, kv => kv.Key);
            foreach (var (_, layer, addsum, activation) in group)
            {
                var node = graph.Nodes.Single(n => n.Name == nodeOf[layer]);
                var sum = plan.Tensor(node.Output + ".addsum");
                var act = plan.Tensor(node.Output);
                Assert.True(addsum == sum.Bytes, $"{group.Key} {layer}: addsum {sum.Bytes}, table {addsum}");
                Assert.True(activation == act.Bytes, $"{group.Key} {layer}: activation {act.Bytes}, table {activation}");
                Assert.Equal((TensorRole.Addsum, DataType.Int32), (sum.Role, sum.DataType));
                // The addsum lives during its kernel and the requantize step, no longer.
                Assert.Equal(sum.FirstStep + 1, sum.LastStep);
                Assert.Equal(StepKind.Requantize, plan.Steps[sum.LastStep].Kind);
            }
            // Every Conv2d and Linear of the model has a row, and nothing else has an addsum.
            Assert.Equal(group.Count(), plan.Tensors.Count(t => t.Role == TensorRole.Addsum));
        }
    }

    [Fact]
    public void FusedModeHasNoAddsumAndTheSameActivations()
    {
        var graph = ModelZoo.Create("repvgg-a0", new TensorShape(1, 3, 112, 112), 89);
        var fused = MemoryPlanner.Plan(graph, new PlanOptions { Precision = Precision.Int8 });
        Assert.DoesNotContain(fused.Tensors, t => t.Role == TensorRole.Addsum);
        Assert.Equal(150528, fused.Tensor("stage0.rbr_reparam").Bytes);
        Assert.Equal(DataType.Float32, fused.Tensor("input").DataType); // the first kernel quantizes the float32 input
        Assert.Equal(graph.Nodes.Count, fused.Steps.Count);
    }
}
