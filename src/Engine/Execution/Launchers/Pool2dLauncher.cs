using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>MaxPool2d, AvgPool2d and AdaptiveAvgPool2d; a 1×1 adaptive pool takes the global-average reduction kernel.</summary>
public static class Pool2dLauncher
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.WindowPool2d pool, LaunchContext context)
    {
        var x = context.Shape(node.Inputs[0]);
        var y = context.Shape(node.Output);
        KernelArgument[] common =
        [
            context.Tensor(node.Inputs[0]), context.Tensor(node.Output), Int(x.N * x.C), Int(x.H), Int(x.W),
            Int(pool.Kernel.H), Int(pool.Kernel.W), Int(pool.Stride.H), Int(pool.Stride.W), Int(pool.Padding.H), Int(pool.Padding.W),
            Int(y.H), Int(y.W),
        ];
        var grid = LaunchGrid.Linear(y.Elements);
        return pool is Ops.AvgPool2d avg
            ? [new KernelLaunch(node, GeneratedKernels.Pool2dKernels_AvgPool2d, grid, [.. common, Int(avg.CountIncludePad ? 1 : 0)])]
            : [new KernelLaunch(node, GeneratedKernels.Pool2dKernels_MaxPool2d, grid, common)];
    }

    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.AdaptiveAvgPool2d pool, LaunchContext context)
    {
        var x = context.Shape(node.Inputs[0]);
        var y = context.Shape(node.Output);
        int planes = x.N * x.C;
        if (pool.IsGlobal)
        {
            var grid = new LaunchGrid(new Dim3(Pool2dKernels.GlobalThreads), new Dim3(planes));
            return [new KernelLaunch(node, GeneratedKernels.Pool2dKernels_GlobalAvgPool, grid,
                [context.Tensor(node.Inputs[0]), context.Tensor(node.Output), Int(x.H * x.W)])];
        }
        return [new KernelLaunch(node, GeneratedKernels.Pool2dKernels_AdaptiveAvgPool2d, LaunchGrid.Linear(y.Elements),
            [context.Tensor(node.Inputs[0]), context.Tensor(node.Output), Int(planes), Int(x.H), Int(x.W), Int(y.H), Int(y.W)])];
    }
}
