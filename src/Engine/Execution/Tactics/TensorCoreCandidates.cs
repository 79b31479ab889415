using GpuEngine.Execution.Launchers;
using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Execution.Tactics;

/// <summary>
/// The int8 tensor-core conv (<see cref="IlgpuOnlyKernels.Int8TensorCoreConv2d"/>, mma m16n8k32) as a candidate of an
/// int8 conv launch, on the backends whose <see cref="Backend.Supports"/> accepts it: cuda at sm_80 and later, and
/// ilgpu-cpu (its mma emulated with warp shuffles); never cpu or opencl (no cpu or OpenCL form).
/// The kernel takes the dp4a kernel's arguments unchanged (NCHW int8 views, every channel count through its
/// bounds-checked gather, any groups, fused and addsum-write modes), so the candidate is the reference launch with the
/// kernel and the grid swapped. It is not offered where each group has fewer than <see cref="MinimumRowsPerGroup"/>
/// output channels (a depthwise conv fills one row of every 16-row mma), nor for addsum-accumulate launches (the caller
/// already gives those no candidates).
/// </summary>
public static class TensorCoreCandidates
{
    /// <summary>The candidate's name in reports and the cache.</summary>
    public const string Name = "tensorcore";

    /// <summary>One m16 tile: below this many output channels per group most of every mma multiplies padding.</summary>
    public const int MinimumRowsPerGroup = 16;

    // Argument indices of Int8Conv2dParams fields in the flattened launch (see Int8Conv2dLauncher.Arguments).
    private const int Batch = 7, OutChannels = 11, Groups = 20, OutH = 21, OutW = 22;

    /// <summary>The tensor-core candidate of an int8 dp4a conv launch on <paramref name="backend"/>, or nothing.</summary>
    public static IEnumerable<TacticCandidate> For(KernelLaunch launch, int written, Backend backend)
    {
        if (!ReferenceEquals(launch.Kernel, GeneratedKernels.Int8Conv2dKernels_Int8Conv2d)) yield break;
        if (!backend.Supports(IlgpuOnlyKernels.Int8TensorCoreConv2d)) yield break;
        var a = launch.Arguments;
        if (a[^1].ScalarBits == RequantizeKernels.AddSumAccumulate) yield break;
        int rowsPerGroup = a[OutChannels].ScalarBits / a[Groups].ScalarBits;
        if (rowsPerGroup < MinimumRowsPerGroup) yield break;
        yield return new TacticCandidate(Name, launch with { Kernel = IlgpuOnlyKernels.Int8TensorCoreConv2d, Grid = Grid(a, rowsPerGroup) }, written);
    }

    /// <summary>128 items (4 warps) per group; groups cover 64 output pixels × 64 output channels of one conv group.</summary>
    internal static LaunchGrid Grid(KernelArgument[] a, int rowsPerGroup)
    {
        long columns = (long)a[Batch].ScalarBits * a[OutH].ScalarBits * a[OutW].ScalarBits;
        return new LaunchGrid(new Dim3(Int8TensorCoreConv2dKernels.Threads),
            new Dim3((int)((columns + Int8TensorCoreConv2dKernels.TileN - 1) / Int8TensorCoreConv2dKernels.TileN),
                (rowsPerGroup + Int8TensorCoreConv2dKernels.TileM - 1) / Int8TensorCoreConv2dKernels.TileM, a[Groups].ScalarBits));
    }
}
