using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// Pad moves data (docs/conventions.md): 0 flops, 0 macc; writes out. Constant mode reads each input element once (the
/// border is the fill value, read from no memory); reflect and edge read one input element per output element.
/// </summary>
public static class PadCost
{
    public static OpCounts Count(Pad pad, TensorShape input, TensorShape output) =>
        new(0, 0, pad.Mode == PadMode.Constant ? input.Elements : output.Elements, output.Elements);
}
