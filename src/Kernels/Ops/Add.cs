using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels.Ops;

/// <summary>Elementwise sum of two same-shaped float tensors (residual connections), with an optional fused activation.</summary>
public static class AddKernels
{
    /// <summary>
    /// output[i] = act(a[i] + b[i]) for i &lt; count; <paramref name="activation"/> is a <see cref="FusedActivation"/> constant.
    /// Grid: <c>LaunchGrid.Linear(count)</c>; a grid-stride loop lets a smaller grid cover any count.
    /// </summary>
    [Kernel]
    public static void Add(ArrayView<float> a, ArrayView<float> b, ArrayView<float> output, int count, SpecializedValue<int> activation)
    {
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
            output[i] = FusedActivation.Apply(a[i] + b[i], activation);
    }
}
