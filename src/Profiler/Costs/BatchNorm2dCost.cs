using GpuEngine.Ir;

namespace GpuEngine.Profiling.Costs;

/// <summary>BatchNorm2d (RASP): flops = 4*out, macc = 2*out; parameters 2*C (running statistics are buffers).</summary>
public static class BatchNorm2dCost
{
    public static OpCounts Count(TensorShape input, TensorShape output) =>
        new(4 * output.Elements, 2 * output.Elements, input.Elements, output.Elements);
}
