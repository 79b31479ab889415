using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>Softmax along one axis: one thread a row.</summary>
public static class SoftmaxLauncher
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.Softmax softmax, LaunchContext context)
    {
        var (outer, length, inner) = softmax.Rows(context.Shape(node.Inputs[0]));
        int rows = outer * inner;
        return [new KernelLaunch(node, GeneratedKernels.SoftmaxKernels_Softmax, LaunchGrid.Linear(rows),
            [context.Tensor(node.Inputs[0]), context.Tensor(node.Output), Int(rows), Int(length), Int(inner)])];
    }
}
