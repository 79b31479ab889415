using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Quantization;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>
/// The int8 layout conversions <see cref="Int8LayoutPass"/> inserts: <see cref="Kernels.Ops.Int8LayoutKernels"/> with plain
/// NHWC (padded channels = C, so both sides have the same bytes), one item per element.
/// </summary>
public static class Int8LayoutLauncher
{
    /// <summary><paramref name="shape"/> (N, C, H, W) from NCHW to NHWC, or back, as <paramref name="op"/> says.</summary>
    public static KernelLaunch Plan(Node node, Int8LayoutOp op, TensorShape shape, BufferSlice input, BufferSlice output) =>
        new(node, op.ToNhwc ? GeneratedKernels.Int8LayoutKernels_Int8NchwToNhwc : GeneratedKernels.Int8LayoutKernels_Int8NhwcToNchw,
            LaunchGrid.Linear(shape.Elements),
            [input.Argument, output.Argument, Int(shape.N), Int(shape.C), Int(shape.H), Int(shape.W), Int(shape.C), Int(0)]);
}
