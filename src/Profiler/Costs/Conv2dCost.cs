using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// Conv2d (RASP): K = Cin/groups*kh*kw. Without bias flops = (2K-1)*out, macc = K*out;
/// with bias flops = 2K*out, macc = K*out + out. Reads input + parameters, writes output.
/// </summary>
public static class Conv2dCost
{
    public static OpCounts Count(Conv2d conv, TensorShape input, TensorShape output)
    {
        long k = conv.ReductionLength, n = output.Elements;
        long flops = conv.HasBias ? 2 * k * n : (2 * k - 1) * n;
        long macc = conv.HasBias ? k * n + n : k * n;
        flops += EpilogueCost.Flops(conv.Fused, n);
        return new OpCounts(flops, macc, input.Elements, n, HasAddsum: true);
    }
}
