using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>The int8 edges and reductions: Requantize (addsum int32 → int8), Quantize, Dequantize, Int8GlobalAvgPool.</summary>
public static class RequantizeLauncher
{
    /// <summary>addsum int32 NCHW → int8 NCHW of the same <paramref name="shape"/>, per-channel scales of <paramref name="quant"/>.</summary>
    public static KernelLaunch Requantize(Node node, TensorShape shape, QuantParams quant, BufferSlice sums, BufferSlice output, bool nhwc = false) =>
        new(node, GeneratedKernels.RequantizeKernels_Requantize, LaunchGrid.Linear(shape.Elements),
        [
            sums.Argument, quant.Multipliers.Argument, quant.Shifts.Argument, output.Argument, Int(shape.Rank > 1 ? shape.C : 1),
            // NHWC (Int8LayoutPass): the channel is the fastest index, which the kernel's i / pixels % channels gives with pixels = 1.
            Int(nhwc ? 1 : Pixels(shape)), Int((int)shape.Elements), Int(quant.OutputZeroPoint), Int(quant.ClampMin), Int(quant.ClampMax),
        ]);

    /// <summary>float32 → int8: q = sat8(roundHalfEven(x / scale) + zeroPoint), any shape.</summary>
    public static KernelLaunch Quantize(Node node, long count, float scale, int zeroPoint, BufferSlice input, BufferSlice output) =>
        new(node, GeneratedKernels.QuantizeKernels_Quantize, LaunchGrid.Linear(count),
            [input.Argument, output.Argument, Int((int)count), Float(1f / scale), Int(zeroPoint)]);

    /// <summary>int8 → float32: x = (q − zeroPoint) · scale, any shape.</summary>
    public static KernelLaunch Dequantize(Node node, long count, float scale, int zeroPoint, BufferSlice input, BufferSlice output) =>
        new(node, GeneratedKernels.QuantizeKernels_Dequantize, LaunchGrid.Linear(count),
            [input.Argument, output.Argument, Int((int)count), Float(scale), Int(zeroPoint)]);

    /// <summary>
    /// Int8 global average pool of NCHW <paramref name="shape"/> to [N, C]; <paramref name="multiplier"/>/<paramref name="shift"/>
    /// encode input_scale / (output_scale · H·W).
    /// </summary>
    public static KernelLaunch GlobalAvgPool(Node node, TensorShape shape, int multiplier, int shift, int inputZeroPoint, int outputZeroPoint,
        BufferSlice input, BufferSlice output) =>
        new(node, GeneratedKernels.Int8GlobalAvgPoolKernels_Int8GlobalAvgPool,
            new LaunchGrid(new Dim3(Kernels.Ops.Int8GlobalAvgPoolKernels.Threads), new Dim3(shape.N * shape.C)),
            [input.Argument, output.Argument, Int(Pixels(shape)), Int(inputZeroPoint), Int(multiplier), Int(shift), Int(outputZeroPoint)]);

    private static int Pixels(TensorShape shape) => shape.Rank == 4 ? shape[2] * shape[3] : 1;
}
