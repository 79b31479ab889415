using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>Residual Add, with its fused activation (RepVGG train-time blocks, MobileNetV2 shortcuts).</summary>
public static class AddLauncher
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.Add add, LaunchContext context)
    {
        long count = context.Shape(node.Output).Elements;
        return [new KernelLaunch(node, GeneratedKernels.AddKernels_Add, LaunchGrid.Linear(count),
        [
            context.Tensor(node.Inputs[0]), context.Tensor(node.Inputs[1]), context.Tensor(node.Output),
            Int((int)count), Int(OpLaunchers.ActivationCode(add.Fused)),
        ])];
    }
}
