using GpuEngine.Ir;
using GpuEngine.Profiling.Costs;
using GpuEngine.Profiling.Energy;

namespace GpuEngine.Profiling.Reports;

/// <summary>The analytic summary as a report: one row per layer in execution order, the totals, the conventions.</summary>
public static class SummaryReport
{
    /// <summary>The analytic cost columns every per-layer report shares (summary, profile), in this order.</summary>
    public static IReadOnlyList<ReportColumn> CostColumns { get; } =
    [
        new("params", "trainable parameters"),
        new("flops", "multiplications and additions counted separately", Unit: "FLOP"),
        new("macc", "multiply-accumulates (1 macc = 2 flops)", Unit: "MAC"),
        new("mem_r", "bytes read: input + parameters", Unit: "B"),
        new("mem_w", "bytes written: output", Unit: "B"),
        new("mem_rw", "mem_r + mem_w", Unit: "B"),
        new("act_bytes_int8", "the seed's int8 activation bytes: output elements x 1", Unit: "B"),
        new("addsum_bytes_int32", "the seed's int32 accumulator bytes: 4 x output elements (Conv2d, Linear)", Unit: "B"),
    ];

    /// <summary>The summary's columns. Keys are an interface (the CSV header begins with them): never rename; append new ones.</summary>
    public static IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("layer", "layer name (module path)", ColumnKind.Text),
        new("type", "op type", ColumnKind.Text),
        new("in_shape", "input shape", ColumnKind.Text),
        new("out_shape", "output shape", ColumnKind.Text),
        .. CostColumns,
        new("weight_bias", "the seed's weight and bias bytes: parameters x 1", Unit: "B"),
        new("memory_cost", "act_bytes_int8 + addsum_bytes_int32 + weight_bias", Unit: "B"),
        new("memory_cost_kib", "memory_cost / 1024 (the seed's 'M')", ColumnKind.Real, 4, "KiB"),
        new("weight_bias_real", "weight and bias bytes of a real int8 kernel (int32 bias)", Unit: "B"),
        new("summary_name", "torchsummary's name (Conv2d-1, ...)", ColumnKind.Text),
        new("energy", "estimated energy, RASP's fp32 rule (docs/conventions.md)", ColumnKind.Real, 0, "pJ"),
    ];

    /// <summary>What a summary table shows unless asked: every column but the estimate (<c>--include energy</c>).</summary>
    public static IReadOnlyCollection<string> DefaultKeys { get; } = [.. Columns.Select(c => c.Key).Where(k => k != "energy")];

    public static Report Create(ModelSummary summary, EnergyTable? energy = null)
    {
        energy ??= EnergyTable.Default;
        var graph = summary.Graph;
        var report = new Report($"Summary of {graph.Name}", Columns, rowsKey: "layers")
            .AddFact("model", graph.Name)
            .AddFact("input", string.Join(", ", graph.Inputs.Select(i => i.Shape.ToString())))
            .AddFact("output", string.Join(", ", graph.Outputs.Select(o => graph.Tensor(o).Shape.ToString())))
            .AddFact("layers", summary.Layers.Count);
        foreach (var l in summary.Layers)
        {
            report.AddRow(l.Layer, l.Type, l.InShape.ToString(), l.OutShape.ToString(), l.Params, l.Flops, l.Macc,
                l.MemR, l.MemW, l.MemRw, l.ActBytesInt8, l.AddsumBytesInt32, l.WeightBias, l.MemoryCost, l.MemoryCostKib,
                l.WeightBiasReal, summary.SummaryNames.GetValueOrDefault(l.Layer), EnergyModel.Of(l, CostPrecision.Fp32, energy));
        }
        report.SetTotalsFromRows();
        report.DefaultKeys = DefaultKeys;
        report.Notes.AddRange(ModelSummary.Conventions);
        report.ColumnNotes["energy"] = EnergyModel.Convention(CostPrecision.Fp32, energy);
        return report;
    }
}
