using GpuEngine.Ir;

namespace GpuEngine.Profiling.Costs;

/// <summary>Transpose moves data (docs/conventions.md): 0 flops, 0 macc; reads in, writes out (the same count).</summary>
public static class TransposeCost
{
    public static OpCounts Count(TensorShape input, TensorShape output) => new(0, 0, input.Elements, output.Elements);
}
