using GpuEngine.Ir;

namespace GpuEngine.Profiling.Reports;

/// <summary>The analytic summary as a report: one row per layer in execution order, the totals, the conventions.</summary>
public static class SummaryReport
{
    /// <summary>The analytic cost columns every per-layer report shares (summary, profile), in this order.</summary>
    public static IReadOnlyList<ReportColumn> CostColumns { get; } =
    [
        new("params", "params"),
        new("flops", "FLOPs"),
        new("macc", "MACs"),
        new("mem_r", "mem_r (B)"),
        new("mem_w", "mem_w (B)"),
        new("mem_rw", "mem_rw (B)"),
        new("act_bytes_int8", "int8 act (B)"),
        new("addsum_bytes_int32", "int32 addsum (B)"),
    ];

    /// <summary>The summary's columns. Keys are an interface (the CSV header begins with them): never rename; append new ones.</summary>
    public static IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("layer", "layer", ColumnKind.Text),
        new("type", "type", ColumnKind.Text),
        new("in_shape", "in shape", ColumnKind.Text),
        new("out_shape", "out shape", ColumnKind.Text),
        .. CostColumns,
        new("weight_bias", "weight+bias (B)"),
        new("memory_cost", "memory cost (B)"),
        new("memory_cost_kib", "memory cost (KiB)", ColumnKind.Real),
        new("weight_bias_real", "weight+bias, int32 bias (B)"),
        new("summary_name", "torchsummary", ColumnKind.Text),
    ];

    public static Report Create(ModelSummary summary)
    {
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
                l.WeightBiasReal, summary.SummaryNames.GetValueOrDefault(l.Layer));
        }
        report.SetTotalsFromRows();
        report.Notes.AddRange(ModelSummary.Conventions);
        return report;
    }
}
