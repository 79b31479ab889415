using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// Linear (RASP): with bias flops = 2*in_f*out, macc = in_f*out + out (out = N*out_f);
/// without bias, as Conv2d: flops = (2*in_f-1)*out, macc = in_f*out. Flatten moves no data.
/// </summary>
public static class LinearCost
{
    public static OpCounts Count(Linear linear, TensorShape input, TensorShape output)
    {
        long k = linear.InFeatures, n = output.Elements;
        long flops = linear.HasBias ? 2 * k * n : (2 * k - 1) * n;
        long macc = linear.HasBias ? k * n + n : k * n;
        flops += EpilogueCost.Flops(linear.Fused, n);
        return new OpCounts(flops, macc, input.Elements, n, HasAddsum: true);
    }

    /// <summary>Flatten is a view: no operations, no bytes.</summary>
    public static OpCounts CountFlatten() => new(0, 0, 0, 0, IsView: true);
}
