using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Quantization;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>Int8 residual Add (TFLite's quantized add, <see cref="Kernels.Ops.Int8AddKernels"/>) with its fused activation as the clamp.</summary>
public static class Int8AddLauncher
{
    /// <summary>a, b, output int8 of <paramref name="shape"/>; <paramref name="layer"/> holds the [a, b, output] multipliers and shifts.</summary>
    public static KernelLaunch Plan(Node node, TensorShape shape, QuantizedLayer layer, BufferSlice a, BufferSlice b, BufferSlice output)
    {
        var (m, s) = (layer.Multipliers, layer.Shifts);
        return new KernelLaunch(node, GeneratedKernels.Int8AddKernels_Int8Add, LaunchGrid.Linear(shape.Elements),
        [
            a.Argument, b.Argument, output.Argument, Int((int)shape.Elements), Int(m[0]), Int(s[0]), Int(m[1]), Int(s[1]), Int(m[2]), Int(s[2]),
            Int(layer.ClampMin), Int(layer.ClampMax),
        ]);
    }
}
