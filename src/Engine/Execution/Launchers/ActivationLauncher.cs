using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Ops;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>ReLU and ReLU6 left standing after fusion (their producer had several readers): one elementwise pass.</summary>
public static class ActivationLauncher
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, LaunchContext context)
    {
        long count = context.Shape(node.Output).Elements;
        var kernel = node.Op is Relu6 ? GeneratedKernels.ActivationKernels_Relu6 : GeneratedKernels.ActivationKernels_Relu;
        return [new KernelLaunch(node, kernel, LaunchGrid.Linear(count), [context.Tensor(node.Inputs[0]), context.Tensor(node.Output), Int((int)count)])];
    }
}
