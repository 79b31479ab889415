using ILGPU;
using ILGPU.Algorithms;

namespace GpuEngine.Kernels.Ops;

/// <summary>Elementwise activations over a flat float tensor; launch with <c>LaunchGrid.Linear(count)</c>. In-place use (input = output) is fine.</summary>
public static class ActivationKernels
{
    /// <summary>output[i] = max(input[i], 0) for i &lt; count.</summary>
    [Kernel]
    public static void Relu(ArrayView<float> input, ArrayView<float> output, int count)
    {
        int i = Grid.GlobalIndex.X;
        if (i < count) output[i] = Math.Max(input[i], 0f);
    }

    /// <summary>output[i] = min(max(input[i], 0), 6) for i &lt; count.</summary>
    [Kernel]
    public static void Relu6(ArrayView<float> input, ArrayView<float> output, int count)
    {
        int i = Grid.GlobalIndex.X;
        if (i < count) output[i] = XMath.Clamp(input[i], 0f, 6f);
    }
}
