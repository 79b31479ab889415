using GpuEngine.Backends;
using GpuEngine.Execution.Launchers;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Tactics;

/// <summary>
/// Split-k candidates of the conv GEMMs (fp32 <c>Conv2d</c>, int8 <c>Int8Conv2d</c> fused and addsum-write): two
/// launches over a workspace of splits × the output's elements × 4 bytes. The first is the reference kernel itself
/// ("splitk{n}") or its 32 × 32 tile variant ("tile32-splitk{n}") with a grid z of groups · splits, bias off, no
/// epilogue (int8: mode AddSumWrite), writing the partial sums of each k range to the workspace; the second
/// (<see cref="SplitKReduceKernels"/>) adds the splits in order and applies the bias and the epilogue. Offered only
/// where the grid is small — fewer output tiles (of that tile shape) than <see cref="Backend.ConcurrentGroups"/> — and
/// the depth holds at least two k steps per split; never for addsum-accumulate launches.
/// </summary>
public static class SplitKCandidates
{
    /// <summary>The split counts offered, each as "splitk{n}".</summary>
    public static IReadOnlyList<int> Splits { get; } = [2, 4, 8];

    // Argument indices (flattened parameter structs): see Conv2dParams and Int8Conv2dParams.
    private const int Fp32Bias = 2, Fp32Output = 3, Fp32Batch = 4, Fp32InChannels = 5, Fp32OutChannels = 8, Fp32KernelH = 9,
        Fp32Groups = 17, Fp32OutH = 18, Fp32HasBias = 20;
    private const int Int8Bias = 2, Int8Multiplier = 3, Int8Shift = 4, Int8Output = 5, Int8Accumulator = 6, Int8Batch = 7,
        Int8InChannels = 8, Int8OutChannels = 11, Int8KernelH = 12, Int8Groups = 20, Int8OutH = 21, Int8HasBias = 23, Int8OutputZeroPoint = 25;

    /// <summary>The candidate's name in reports and the cache.</summary>
    public static string NameOf(int splits, bool tile32 = false) => tile32 ? $"tile32-splitk{splits}" : $"splitk{splits}";

    /// <summary>The split-k candidates of a reference conv launch on <paramref name="backend"/>, or none.</summary>
    public static IEnumerable<TacticCandidate> For(KernelLaunch launch, int written, Backend backend)
    {
        bool fp32 = ReferenceEquals(launch.Kernel, GeneratedKernels.Conv2dKernels_Conv2d);
        if (!fp32 && !ReferenceEquals(launch.Kernel, GeneratedKernels.Int8Conv2dKernels_Int8Conv2d)) yield break;
        var a = launch.Arguments;
        if (!fp32 && a[^1].ScalarBits == RequantizeKernels.AddSumAccumulate) yield break;
        int depth = Depth(a, fp32 ? Fp32InChannels : Int8InChannels, fp32 ? Fp32KernelH : Int8KernelH, fp32 ? Fp32Groups : Int8Groups);
        long count = OutputElements(a, fp32);
        foreach (bool tile32 in new[] { false, true })
        {
            if (Grid(launch, fp32, tile32, 1).GroupCount.Volume >= backend.ConcurrentGroups) continue;
            int kStep = fp32 ? Conv2dKernels.TileK : tile32 ? Int8Conv2dKernels.SmallTileK : Int8Conv2dKernels.TileK;
            foreach (int splits in Splits)
                if (depth >= 2 * splits * kStep && splits * count <= int.MaxValue)
                    yield return Create(launch, written, splits, tile32);
        }
    }

    /// <summary>
    /// The unbound split-k candidate of <paramref name="launch"/> with <paramref name="splits"/> splits.
    /// <paramref name="reducedSplits"/> (tests only) makes the reduction add that many splits instead: a wrong candidate.
    /// </summary>
    internal static TacticCandidate Create(KernelLaunch launch, int written, int splits, bool tile32 = false, int? reducedSplits = null)
    {
        bool fp32 = ReferenceEquals(launch.Kernel, GeneratedKernels.Conv2dKernels_Conv2d);
        long count = OutputElements(launch.Arguments, fp32);
        string name = NameOf(splits, tile32);
        var partialLaunch = launch with
        {
            Kernel = !tile32 ? launch.Kernel : fp32 ? GeneratedKernels.Conv2dKernels_Conv2dTile32 : GeneratedKernels.Int8Conv2dKernels_Int8Conv2dTile32,
            Grid = Grid(launch, fp32, tile32, splits),
        };
        return new TacticCandidate(name, launch, written)
        {
            WorkspaceBytes = splits * count * 4,
            Bind = workspace =>
            {
                var view = View(workspace, 0, splits * count);
                var sequence = fp32 ? Fp32(partialLaunch, view, (int)count, reducedSplits ?? splits) : Int8(partialLaunch, view, (int)count, reducedSplits ?? splits);
                return new TacticCandidate(name, sequence[0], written) { WorkspaceBytes = splits * count * 4, Workspace = workspace, Launches = sequence };
            },
        };
    }

    /// <summary><paramref name="launch"/>: the partial-sum kernel and grid, still with the reference's arguments.</summary>
    private static KernelLaunch[] Fp32(KernelLaunch launch, KernelArgument workspace, int count, int reduced)
    {
        var a = launch.Arguments;
        var partial = (KernelArgument[])a.Clone();
        partial[Fp32Output] = workspace;
        partial[Fp32HasBias] = Int(0);
        partial[^1] = Int(FusedActivation.None);
        int pixels = a[Fp32OutH].ScalarBits * a[Fp32OutH + 1].ScalarBits;
        KernelArgument[] reduce = [workspace, a[Fp32Bias], a[Fp32Output], Int(count), Int(reduced), a[Fp32OutChannels], Int(pixels), a[Fp32HasBias], a[^1]];
        return [launch with { Arguments = partial }, new KernelLaunch(launch.Node, GeneratedKernels.SplitKReduceKernels_Conv2dSplitKReduce, LaunchGrid.Linear(count), reduce)];
    }

    private static KernelLaunch[] Int8(KernelLaunch launch, KernelArgument workspace, int count, int reduced)
    {
        var a = launch.Arguments;
        var partial = (KernelArgument[])a.Clone();
        partial[Int8Accumulator] = workspace;
        partial[Int8HasBias] = Int(0);
        partial[^1] = Int(RequantizeKernels.AddSumWrite);
        int pixels = a[Int8OutH].ScalarBits * a[Int8OutH + 1].ScalarBits;
        // SplitKReduceParams in field order: count, splits, channels, pixels, hasBias, zero point, clamp min, clamp max; then the mode.
        KernelArgument[] reduce =
        [
            workspace, a[Int8Bias], a[Int8Multiplier], a[Int8Shift], a[Int8Output], a[Int8Accumulator],
            Int(count), Int(reduced), a[Int8OutChannels], Int(pixels), a[Int8HasBias],
            a[Int8OutputZeroPoint], a[Int8OutputZeroPoint + 1], a[Int8OutputZeroPoint + 2], a[^1],
        ];
        return [launch with { Arguments = partial }, new KernelLaunch(launch.Node, GeneratedKernels.SplitKReduceKernels_Int8SplitKReduce, LaunchGrid.Linear(count), reduce)];
    }

    /// <summary>
    /// The grid of the 64 × 64 (the reference launch's) or 32 × 32 kernel with z = groups · splits (group z sums the k
    /// steps of split z / groups).
    /// </summary>
    private static LaunchGrid Grid(KernelLaunch launch, bool fp32, bool tile32, int splits)
    {
        var groups = launch.Grid.GroupCount;
        if (tile32)
        {
            var a = launch.Arguments;
            int tile = Conv2dKernels.SmallTile, batch = fp32 ? Fp32Batch : Int8Batch, outH = fp32 ? Fp32OutH : Int8OutH;
            long columns = (long)a[batch].ScalarBits * a[outH].ScalarBits * a[outH + 1].ScalarBits;
            int rows = a[fp32 ? Fp32OutChannels : Int8OutChannels].ScalarBits / a[fp32 ? Fp32Groups : Int8Groups].ScalarBits;
            groups = new Dim3((int)((columns + tile - 1) / tile), (rows + tile - 1) / tile, groups.Z);
        }
        return launch.Grid with { GroupCount = groups with { Z = groups.Z * splits } };
    }

    private static int Depth(KernelArgument[] a, int inChannels, int kernelH, int groups) =>
        a[inChannels].ScalarBits / a[groups].ScalarBits * a[kernelH].ScalarBits * a[kernelH + 1].ScalarBits;

    private static long OutputElements(KernelArgument[] a, bool fp32)
    {
        int batch = fp32 ? Fp32Batch : Int8Batch, outChannels = fp32 ? Fp32OutChannels : Int8OutChannels, outH = fp32 ? Fp32OutH : Int8OutH;
        return (long)a[batch].ScalarBits * a[outChannels].ScalarBits * a[outH].ScalarBits * a[outH + 1].ScalarBits;
    }
}
