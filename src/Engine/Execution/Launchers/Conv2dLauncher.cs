using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>Conv2d: depthwise layers get their own bandwidth-bound kernel; everything else the implicit-GEMM kernel.</summary>
public static class Conv2dLauncher
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.Conv2d conv, LaunchContext context)
    {
        var x = context.Shape(node.Inputs[0]);
        var y = context.Shape(node.Output);
        var input = context.Tensor(node.Inputs[0]);
        var output = context.Tensor(node.Output);
        var weight = context.Weight(node, "weight");
        var bias = context.OptionalWeight(node, "bias", conv.HasBias);
        int activation = OpLaunchers.ActivationCode(conv.Fused);
        bool depthwise = conv.Groups == conv.InChannels && conv.OutChannels == conv.InChannels;
        if (depthwise)
        {
            return [new KernelLaunch(node, GeneratedKernels.DepthwiseConv2dKernels_DepthwiseConv2d, LaunchGrid.Linear(y.Elements),
            [
                input, weight, bias, output, Int(x.N), Int(x.C), Int(x.H), Int(x.W), Int(conv.Kernel.H), Int(conv.Kernel.W),
                Int(conv.Stride.H), Int(conv.Stride.W), Int(conv.Padding.H), Int(conv.Padding.W),
                Int(conv.Dilation.H), Int(conv.Dilation.W), Int(y.H), Int(y.W), Int(conv.HasBias ? 1 : 0), Int(activation),
            ])];
        }
        long columns = (long)y.N * y.H * y.W;
        int rowsPerGroup = conv.OutChannels / conv.Groups;
        var grid = new LaunchGrid(
            new Dim3(Conv2dKernels.Threads, Conv2dKernels.Threads),
            new Dim3((int)((columns + Conv2dKernels.TileN - 1) / Conv2dKernels.TileN), (rowsPerGroup + Conv2dKernels.TileM - 1) / Conv2dKernels.TileM, conv.Groups));
        return [new KernelLaunch(node, GeneratedKernels.Conv2dKernels_Conv2d, grid,
        [
            input, weight, bias, output, Int(x.N), Int(x.C), Int(x.H), Int(x.W), Int(conv.OutChannels), Int(conv.Kernel.H), Int(conv.Kernel.W),
            Int(conv.Stride.H), Int(conv.Stride.W), Int(conv.Padding.H), Int(conv.Padding.W), Int(conv.Dilation.H), Int(conv.Dilation.W),
            Int(conv.Groups), Int(y.H), Int(y.W), Int(conv.HasBias ? 1 : 0), Int(activation),
        ])];
    }
}
