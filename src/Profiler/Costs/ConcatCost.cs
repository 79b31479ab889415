using GpuEngine.Ir;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// Concat moves data and computes nothing (docs/conventions.md): 0 flops, 0 macc; reads every activation input element
/// once (constant operands are its parameters, read once, added by the cost model), writes every output element once.
/// </summary>
public static class ConcatCost
{
    public static OpCounts Count(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        new(0, 0, inputs.Sum(s => s.Elements), output.Elements);
}
