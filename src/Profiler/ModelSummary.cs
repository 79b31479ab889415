using GpuEngine.Ir;
using GpuEngine.Profiling.Costs;

namespace GpuEngine.Profiling;

/// <summary>
/// The analytic profile of a graph: one <see cref="LayerCost"/> per layer in execution order and their totals.
/// Needs shapes only, so it works on any machine and any model before it runs.
/// </summary>
public sealed class ModelSummary
{
    private ModelSummary(Graph graph, IReadOnlyList<LayerCost> layers, IReadOnlyDictionary<string, string> summaryNames)
    {
        Graph = graph;
        Layers = layers;
        SummaryNames = summaryNames;
    }

    public Graph Graph { get; }
    public IReadOnlyList<LayerCost> Layers { get; }

    /// <summary>torchsummary's names (Conv2d-1, ReLU-2, ...) by layer; functional steps have none.</summary>
    public IReadOnlyDictionary<string, string> SummaryNames { get; }

    public static ModelSummary Create(Graph graph) =>
        new(graph, [.. graph.Nodes.Select(n => CostModel.Layer(graph, n))], TorchSummaryNames.For(graph));

    public long TotalParams => Layers.Sum(l => l.Params);
    public long TotalFlops => Layers.Sum(l => l.Flops);
    public long TotalMacc => Layers.Sum(l => l.Macc);
    public long TotalMemR => Layers.Sum(l => l.MemR);
    public long TotalMemW => Layers.Sum(l => l.MemW);
    public long TotalActBytesInt8 => Layers.Sum(l => l.ActBytesInt8);
    public long TotalAddsumBytesInt32 => Layers.Sum(l => l.AddsumBytesInt32);
    public long TotalWeightBias => Layers.Sum(l => l.WeightBias);
    public long TotalWeightBiasReal => Layers.Sum(l => l.WeightBiasReal);
    public long TotalMemoryCost => Layers.Sum(l => l.MemoryCost);

    /// <summary>The conventions every summary states under its table.</summary>
    public static IReadOnlyList<string> Conventions { get; } = ConventionsFor(CostPrecision.Fp32);

    /// <summary>The conventions of costs counted for <paramref name="precision"/>'s data types.</summary>
    public static IReadOnlyList<string> ConventionsFor(CostPrecision precision) =>
    [
        "flops counts multiplications and additions separately; macc counts multiply-accumulates (1 macc = 2 flops); both are shown.",
        "params are PyTorch's trainable parameters (BatchNorm running statistics are buffers, not counted).",
        precision.BytesConvention,
        "act_bytes_int8 = output elements (1 byte), addsum_bytes_int32 = 4 x output elements for Conv2d and Linear, weight_bias = parameters at 1 byte each (the seed's model); weight_bias_real stores the bias as int32.",
        "memory_cost = act_bytes_int8 + addsum_bytes_int32 + weight_bias; memory_cost_kib = memory_cost / 1024 (1 KiB = 1024 bytes; the seed labels it M).",
        "Flatten and inference Dropout move no data; Add and AdaptiveAvgPool2d follow docs/conventions.md.",
    ];
}
