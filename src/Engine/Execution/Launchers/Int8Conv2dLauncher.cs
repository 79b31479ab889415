using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>
/// Int8 Conv2d and Linear launches with explicit views, for the quantization pass to call once it has placed the int8
/// tensors (the fp32 graph's shapes still apply). Depthwise convs run correctly through the same implicit GEMM but
/// use one of its 64 rows per group: an int8 depthwise kernel is still to come.
/// </summary>
public static class Int8Conv2dLauncher
{
    /// <summary>
    /// input int8 NCHW; weight int8 [cout, cin/groups, kh, kw]; bias int32 [cout] (null when the conv has none);
    /// output int8 NCHW for <see cref="Int8OutputMode.Fused"/>, else the int32 addsum buffer of the same layout.
    /// </summary>
    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.Conv2d conv, LaunchContext context, QuantParams quant,
        BufferSlice input, BufferSlice weight, BufferSlice? bias, BufferSlice output, Int8OutputMode mode = Int8OutputMode.Fused) =>
        Plan(node, conv, context.Shape(node.Inputs[0]), context.Shape(node.Output), quant, input, weight, bias, output, mode);

    private static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.Conv2d conv, TensorShape x, TensorShape y, QuantParams quant,
        BufferSlice input, BufferSlice weight, BufferSlice? bias, BufferSlice output, Int8OutputMode mode)
    {
        long columns = (long)y.N * y.H * y.W;
        int rowsPerGroup = conv.OutChannels / conv.Groups;
        var grid = new LaunchGrid(new Dim3(Int8Conv2dKernels.Threads, Int8Conv2dKernels.Threads),
            new Dim3((int)((columns + Int8Conv2dKernels.TileN - 1) / Int8Conv2dKernels.TileN),
                (rowsPerGroup + Int8Conv2dKernels.TileM - 1) / Int8Conv2dKernels.TileM, conv.Groups));
        return [new KernelLaunch(node, GeneratedKernels.Int8Conv2dKernels_Int8Conv2d, grid, Arguments(conv, x, y, quant, input, weight, bias, output, mode))];
    }

    /// <summary>
    /// The same conv on the tensor-core kernel (<see cref="IlgpuOnlyKernels.Int8TensorCoreConv2d"/>: mma m16n8k32, sm_80+,
    /// and ilgpu-cpu through its warp-shuffle emulation); same views, bit-identical results. Not chosen by default:
    /// a candidate for tactic selection, on backends whose <c>Supports</c> accepts it (cuda, ilgpu-cpu).
    /// </summary>
    public static IReadOnlyList<KernelLaunch> PlanTensorCore(Node node, Ops.Conv2d conv, LaunchContext context, QuantParams quant,
        BufferSlice input, BufferSlice weight, BufferSlice? bias, BufferSlice output, Int8OutputMode mode = Int8OutputMode.Fused)
    {
        TensorShape x = context.Shape(node.Inputs[0]), y = context.Shape(node.Output);
        long columns = (long)y.N * y.H * y.W;
        int rowsPerGroup = conv.OutChannels / conv.Groups;
        var grid = new LaunchGrid(new Dim3(Int8TensorCoreConv2dKernels.Threads),
            new Dim3((int)((columns + Int8TensorCoreConv2dKernels.TileN - 1) / Int8TensorCoreConv2dKernels.TileN),
                (rowsPerGroup + Int8TensorCoreConv2dKernels.TileM - 1) / Int8TensorCoreConv2dKernels.TileM, conv.Groups));
        return [new KernelLaunch(node, IlgpuOnlyKernels.Int8TensorCoreConv2d, grid, Arguments(conv, x, y, quant, input, weight, bias, output, mode))];
    }

    /// <summary>
    /// The tensor-core conv on plain NHWC activations (<see cref="IlgpuOnlyKernels.Int8TensorCoreConv2dNhwc"/>): input and
    /// output (or the int32 addsum) NHWC, weights as for <see cref="Plan(Node, Ops.Conv2d, LaunchContext, QuantParams, BufferSlice, BufferSlice, BufferSlice?, BufferSlice, Int8OutputMode)"/>;
    /// the fixed conv of the NHWC regions <c>Int8LayoutPass</c> makes. Same grid as <see cref="PlanTensorCore"/>.
    /// </summary>
    public static IReadOnlyList<KernelLaunch> PlanTensorCoreNhwc(Node node, Ops.Conv2d conv, LaunchContext context, QuantParams quant,
        BufferSlice input, BufferSlice weight, BufferSlice? bias, BufferSlice output, Int8OutputMode mode = Int8OutputMode.Fused)
    {
        var nchw = PlanTensorCore(node, conv, context, quant, input, weight, bias, output, mode)[0];
        return [nchw with { Kernel = IlgpuOnlyKernels.Int8TensorCoreConv2dNhwc }];
    }

    /// <summary>The flat arguments both conv kernels take (<see cref="Int8Conv2dParams"/> in field order, then the mode).</summary>
    private static KernelArgument[] Arguments(Ops.Conv2d conv, TensorShape x, TensorShape y, QuantParams quant,
        BufferSlice input, BufferSlice weight, BufferSlice? bias, BufferSlice output, Int8OutputMode mode)
    {
        var (int8Out, int32Out) = Outputs(output, mode);
        return
        [
            input.Argument, weight.Argument, (bias ?? quant.Multipliers).Argument, quant.Multipliers.Argument, quant.Shifts.Argument,
            int8Out, int32Out, Int(x.N), Int(x.C), Int(x.H), Int(x.W), Int(conv.OutChannels), Int(conv.Kernel.H), Int(conv.Kernel.W),
            Int(conv.Stride.H), Int(conv.Stride.W), Int(conv.Padding.H), Int(conv.Padding.W), Int(conv.Dilation.H), Int(conv.Dilation.W),
            Int(conv.Groups), Int(y.H), Int(y.W), Int(bias is null ? 0 : 1), Int(quant.InputZeroPoint), Int(quant.OutputZeroPoint),
            Int(quant.ClampMin), Int(quant.ClampMax), Int((int)mode),
        ];
    }

    /// <summary>
    /// Int8 Linear: x int8 [batch, in], w int8 [out, in], bias int32 [out] or null; output as for Conv2d. Batches below
    /// <see cref="LinearLauncher.TiledFromBatch"/> take the row-reduction kernel, larger ones the conv GEMM as a 1×1 conv.
    /// </summary>
    public static IReadOnlyList<KernelLaunch> PlanLinear(Node node, Ops.Linear linear, LaunchContext context, QuantParams quant,
        BufferSlice input, BufferSlice weight, BufferSlice? bias, BufferSlice output, Int8OutputMode mode = Int8OutputMode.Fused)
    {
        int batch = context.Shape(node.Inputs[0]).N;
        if (batch >= LinearLauncher.TiledFromBatch)
        {
            // [batch, in] is [batch, in, 1, 1]: the 1x1 conv's GEMM is exactly x·wᵀ with pixels = 1.
            var asConv = Ops.Conv2d.Square(linear.InFeatures, linear.OutFeatures, 1);
            return Plan(node, asConv, new TensorShape(batch, linear.InFeatures, 1, 1), new TensorShape(batch, linear.OutFeatures, 1, 1),
                quant, input, weight, bias, output, mode);
        }
        var grid = new LaunchGrid(new Dim3(Int8LinearKernels.RowThreads, Int8LinearKernels.RowsPerGroup),
            new Dim3((linear.OutFeatures + Int8LinearKernels.RowsPerGroup - 1) / Int8LinearKernels.RowsPerGroup, batch));
        var (int8Out, int32Out) = Outputs(output, mode);
        return [new KernelLaunch(node, GeneratedKernels.Int8LinearKernels_Int8Linear, grid,
        [
            input.Argument, weight.Argument, (bias ?? quant.Multipliers).Argument, quant.Multipliers.Argument, quant.Shifts.Argument,
            int8Out, int32Out, Int(linear.InFeatures), Int(linear.OutFeatures), Int(bias is null ? 0 : 1), Int(quant.OutputZeroPoint),
            Int(quant.ClampMin), Int(quant.ClampMax), Int((int)mode),
        ])];
    }

    /// <summary>The kernel's int8 and int32 output views: the real one, and a one-element stand-in the mode never touches.</summary>
    internal static (KernelArgument Int8, KernelArgument Int32) Outputs(BufferSlice output, Int8OutputMode mode) =>
        mode == Int8OutputMode.Fused ? (output.Argument, View(output.Buffer, 0, 1)) : (View(output.Buffer, 0, 1), output.Argument);
}
