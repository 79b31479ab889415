using ILGPU;

namespace GpuEngine.Kernels.Ops;

/// <summary>Concat of fp32 tensors: one launch per input copies it into its slice of the output.</summary>
public static class ConcatKernels
{
    /// <summary>
    /// The input seen as [outer, slice] (slice = its axis length times the dims after the axis) goes to the output seen
    /// as [outer, outputSlice] at column <paramref name="offset"/>: output[o·outputSlice + offset + r] = input[o·slice + r]
    /// for i = o·slice + r &lt; count. Grid: <c>LaunchGrid.Linear(count)</c> or smaller (grid-stride loop).
    /// </summary>
    [Kernel]
    public static void CopySlice(ArrayView<float> input, ArrayView<float> output, int count, int slice, int outputSlice, int offset)
    {
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
            output[i / slice * outputSlice + offset + i % slice] = input[i];
    }
}
