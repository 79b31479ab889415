using GpuEngine.Ir;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// What one op does, in elements and operations, independent of element size: the per-op cost
/// files return this, and <see cref="CostModel"/> turns it into bytes for the real data types.
/// </summary>
/// <param name="ReadElements">Activation elements read (parameters are added separately).</param>
/// <param name="WriteElements">Activation elements written.</param>
/// <param name="HasAddsum">True where an int8 kernel accumulates into an int32 "addsum" per output (Conv2d, Linear).</param>
/// <param name="IsView">True for ops that move no data (Flatten, inference Dropout): no int8 activation either.</param>
public readonly record struct OpCounts(long Flops, long Macc, long ReadElements, long WriteElements, bool HasAddsum = false, bool IsView = false);

/// <summary>
/// One row of a summary: the analytic costs of one layer (counting-conventions.md and docs/conventions.md).
/// Bytes are for the data types of its <see cref="CostPrecision"/> (float32 by default: RASP's columns), plus the
/// int8 memory model of the seed, which is the same at every precision.
/// </summary>
public sealed record LayerCost(
    string Layer,
    string Type,
    TensorShape InShape,
    TensorShape OutShape,
    long Params,
    long Flops,
    long Macc,
    long MemR,
    long MemW,
    long ActBytesInt8,
    long AddsumBytesInt32,
    long WeightBias,
    long WeightBiasReal)
{
    public long MemRw => MemR + MemW;

    /// <summary>One row adding up <paramref name="parts"/> (a layer's launches, a model's layers) under a name of its own.</summary>
    public static LayerCost Sum(string layer, string type, TensorShape inShape, TensorShape outShape, IEnumerable<LayerCost> parts)
    {
        var p = parts.ToList();
        return new LayerCost(layer, type, inShape, outShape, p.Sum(c => c.Params), p.Sum(c => c.Flops), p.Sum(c => c.Macc),
            p.Sum(c => c.MemR), p.Sum(c => c.MemW), p.Sum(c => c.ActBytesInt8), p.Sum(c => c.AddsumBytesInt32),
            p.Sum(c => c.WeightBias), p.Sum(c => c.WeightBiasReal));
    }

    /// <summary>This row with <paramref name="other"/> added, under this row's name and shapes.</summary>
    public LayerCost Plus(LayerCost other) => Sum(Layer, Type, InShape, OutShape, [this, other]);

    /// <summary>The seed's memory cost: int8 activation + int32 addsum + weights and bias at one byte each.</summary>
    public long MemoryCost => ActBytesInt8 + AddsumBytesInt32 + WeightBias;

    /// <summary>The seed's "Memory cost(M)": memory cost / 1024 (KiB).</summary>
    public double MemoryCostKib => MemoryCost / 1024.0;
}
