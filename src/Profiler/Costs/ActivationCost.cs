using GpuEngine.Ir;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// ReLU and ReLU6 (RASP): flops = out, macc = out, read in, write out.
/// Dropout at inference: all zero (RASP), and no data moves.
/// </summary>
public static class ActivationCost
{
    public static OpCounts Count(TensorShape input, TensorShape output) =>
        new(output.Elements, output.Elements, input.Elements, output.Elements);

    public static OpCounts CountDropout() => new(0, 0, 0, 0, IsView: true);
}

/// <summary>An activation fused into a kernel's epilogue costs one flop per output, as the separate op would.</summary>
public static class EpilogueCost
{
    public static long Flops(Activation fused, long outputs) => fused == Activation.None ? 0 : outputs;
}
