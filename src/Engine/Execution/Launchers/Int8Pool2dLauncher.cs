using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>
/// Int8 MaxPool2d and (non-global) AdaptiveAvgPool2d: output at the input's scale, no requantization. The global
/// average pool divides by the pixel count in a requantization instead (<see cref="RequantizeLauncher.GlobalAvgPool"/>).
/// </summary>
public static class Int8Pool2dLauncher
{
    public static KernelLaunch MaxPool(Node node, Ops.MaxPool2d pool, TensorShape x, TensorShape y, BufferSlice input, BufferSlice output) =>
        new(node, GeneratedKernels.Int8Pool2dKernels_Int8MaxPool2d, LaunchGrid.Linear(y.Elements),
        [
            input.Argument, output.Argument, Int(x.N * x.C), Int(x.H), Int(x.W), Int(pool.Kernel.H), Int(pool.Kernel.W),
            Int(pool.Stride.H), Int(pool.Stride.W), Int(pool.Padding.H), Int(pool.Padding.W), Int(y.H), Int(y.W),
        ]);

    public static KernelLaunch AdaptiveAvgPool(Node node, TensorShape x, TensorShape y, BufferSlice input, BufferSlice output) =>
        new(node, GeneratedKernels.Int8Pool2dKernels_Int8AdaptiveAvgPool2d, LaunchGrid.Linear(y.Elements),
            [input.Argument, output.Argument, Int(x.N * x.C), Int(x.H), Int(x.W), Int(y.H), Int(y.W)]);
}
