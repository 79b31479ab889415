using GpuEngine.Ir;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// Concat moves data and computes nothing (docs/conventions.md): 0 flops, 0 macc; reads every input element once,
/// writes every output element once (their counts agree: the output is the inputs side by side).
/// </summary>
public static class ConcatCost
{
    public static OpCounts Count(IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        new(0, 0, inputs.Sum(s => s.Elements), output.Elements);
}
