using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// Add (our convention; RASP has no row): flops = out, macc = out (one elementwise op each, as RASP counts ReLU),
/// plus one flop per output for a fused activation; reads both inputs, writes out.
/// </summary>
public static class AddCost
{
    public static OpCounts Count(Add add, TensorShape a, TensorShape b, TensorShape output) =>
        new(output.Elements + EpilogueCost.Flops(add.Fused, output.Elements), output.Elements, a.Elements + b.Elements, output.Elements);
}
