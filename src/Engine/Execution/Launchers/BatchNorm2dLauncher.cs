using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>BatchNorm2d left standing (not folded into a conv): one elementwise pass reading the four parameter vectors.</summary>
public static class BatchNorm2dLauncher
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.BatchNorm2d bn, LaunchContext context)
    {
        var x = context.Shape(node.Inputs[0]);
        long count = x.Elements;
        return [new KernelLaunch(node, GeneratedKernels.BatchNorm2dKernels_BatchNorm2d, LaunchGrid.Linear(count),
        [
            context.Tensor(node.Inputs[0]), context.Weight(node, "weight"), context.Weight(node, "bias"),
            context.Weight(node, "running_mean"), context.Weight(node, "running_var"), context.Tensor(node.Output),
            Int(x.C), Int(x.H * x.W), Int((int)count), Float(bn.Epsilon),
        ])];
    }
}
