using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>Linear: the row-reduction kernel for small batches (weight-bandwidth bound), the tiled GEMM from <see cref="TiledFromBatch"/> on.</summary>
public static class LinearLauncher
{
    /// <summary>
    /// Below this batch every weight is used by few samples, so reading w once per sample with coalesced rows beats
    /// tiling (whose 16-row batch tile would be mostly padding).
    /// </summary>
    public const int TiledFromBatch = 16;

    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.Linear linear, LaunchContext context)
    {
        int batch = context.Shape(node.Inputs[0]).N;
        var input = context.Tensor(node.Inputs[0]);
        var output = context.Tensor(node.Output);
        var weight = context.Weight(node, "weight");
        var bias = context.OptionalWeight(node, "bias", linear.HasBias);
        int hasBias = linear.HasBias ? 1 : 0;
        int activation = OpLaunchers.ActivationCode(linear.Fused);
        if (batch < TiledFromBatch)
        {
            var rows = new LaunchGrid(new Dim3(LinearKernels.RowThreads, LinearKernels.RowsPerGroup),
                new Dim3((linear.OutFeatures + LinearKernels.RowsPerGroup - 1) / LinearKernels.RowsPerGroup, batch));
            return [new KernelLaunch(node, GeneratedKernels.LinearKernels_LinearRows, rows,
                [input, weight, bias, output, Int(linear.InFeatures), Int(linear.OutFeatures), Int(hasBias), Int(activation)])];
        }
        var tiled = new LaunchGrid(new Dim3(LinearKernels.Tile, LinearKernels.Tile),
            new Dim3((linear.OutFeatures + LinearKernels.Tile - 1) / LinearKernels.Tile, (batch + LinearKernels.Tile - 1) / LinearKernels.Tile));
        return [new KernelLaunch(node, GeneratedKernels.LinearKernels_LinearTiled, tiled,
            [input, weight, bias, output, Int(batch), Int(linear.InFeatures), Int(linear.OutFeatures), Int(hasBias), Int(activation)])];
    }
}
