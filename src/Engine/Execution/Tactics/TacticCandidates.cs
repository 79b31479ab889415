using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using GpuEngine.Execution.Launchers;

namespace GpuEngine.Execution.Tactics;

/// <summary>
/// The candidate kernels of a launch. The launch as planned is always the first candidate ("reference"); the conv
/// GEMMs (fp32 and int8, including Linear planned as a 1×1 conv) add their 32 × 32 tile variant; on the cpu device every
/// SIMD tactic that applies (<see cref="CpuTactics"/>: conv, depthwise conv, linear) follows. Launches of other
/// kernels, and int8 launches that accumulate into their output (addsum accumulate: running one twice would add
/// twice), have no candidates and are not tuned.
/// </summary>
public static class TacticCandidates
{
    public const string Reference = "reference";

    /// <summary>
    /// Kernels that run only as tuned alternatives of a reference kernel: each is validated against the reference on
    /// the device itself before use, so <c>check</c> need not launch them.
    /// </summary>
    public static IReadOnlyList<KernelDescriptor> Alternates { get; } =
        [GeneratedKernels.Conv2dKernels_Conv2dTile32, GeneratedKernels.Int8Conv2dKernels_Int8Conv2dTile32,
            GeneratedKernels.SplitKReduceKernels_Conv2dSplitKReduce, GeneratedKernels.SplitKReduceKernels_Int8SplitKReduce];

    // Argument indices (flattened parameter structs): see Conv2dParams and Int8Conv2dParams.
    private const int Fp32Output = 3, Fp32Batch = 4, Fp32OutChannels = 8, Fp32Groups = 17, Fp32OutH = 18;
    private const int Int8Output = 5, Int8Accumulator = 6, Int8Batch = 7, Int8OutChannels = 11, Int8Groups = 20, Int8OutH = 21;

    /// <summary>
    /// Test hook: extra candidates for a launch (a deliberately wrong kernel, say), added after the real ones.
    /// Null in production.
    /// </summary>
    internal static Func<KernelLaunch, int, IEnumerable<TacticCandidate>>? ExtraForTests
    {
        get => s_extra.Value;
        set => s_extra.Value = value;
    }

    // Per async flow, so a test's hook never reaches a test running beside it.
    private static readonly AsyncLocal<Func<KernelLaunch, int, IEnumerable<TacticCandidate>>?> s_extra = new();

    /// <summary>The candidates of <paramref name="launch"/>, reference first; empty when the launch is not tunable.</summary>
    public static IReadOnlyList<TacticCandidate> For(KernelLaunch launch)
    {
        var a = launch.Arguments;
        List<TacticCandidate> list = [];
        if (ReferenceEquals(launch.Kernel, GeneratedKernels.Conv2dKernels_Conv2d))
        {
            list.Add(new(Reference, launch, Fp32Output));
            var grid = Grid(a, Fp32Batch, Fp32OutH, Fp32OutChannels, Fp32Groups, Conv2dKernels.SmallTile);
            list.Add(new("tile32", launch with { Kernel = GeneratedKernels.Conv2dKernels_Conv2dTile32, Grid = grid }, Fp32Output));
        }
        else if (ReferenceEquals(launch.Kernel, GeneratedKernels.Int8Conv2dKernels_Int8Conv2d))
        {
            int mode = a[^1].ScalarBits;
            if (mode == RequantizeKernels.AddSumAccumulate) return [];
            int written = mode == RequantizeKernels.Fused ? Int8Output : Int8Accumulator;
            list.Add(new(Reference, launch, written));
            var grid = Grid(a, Int8Batch, Int8OutH, Int8OutChannels, Int8Groups, Int8Conv2dKernels.SmallTile);
            list.Add(new("tile32", launch with { Kernel = GeneratedKernels.Int8Conv2dKernels_Int8Conv2dTile32, Grid = grid }, written));
        }
        else if (CpuTactics.Written(launch) is int written) list.Add(new(Reference, launch, written));
        else return [];
        list.AddRange(CpuTactics.Candidates(launch));
        if (ExtraForTests is { } extra) list.AddRange(extra(launch, list[0].Written));
        return list;
    }

    /// <summary>
    /// The candidates of <paramref name="launch"/> on <paramref name="backend"/>: <see cref="For(KernelLaunch)"/>, then
    /// those only some devices run (the int8 tensor-core conv, <see cref="TensorCoreCandidates"/>), then those that
    /// depend on the device's size (split-k where the grid is small, <see cref="SplitKCandidates"/>).
    /// </summary>
    public static IReadOnlyList<TacticCandidate> For(KernelLaunch launch, Backend backend)
    {
        var portable = For(launch);
        if (portable.Count == 0) return portable;
        return [.. portable, .. TensorCoreCandidates.For(launch, portable[0].Written, backend), .. SplitKCandidates.For(launch, portable[0].Written, backend)];
    }

    /// <summary>
    /// The launch <c>--tactics fixed</c> runs: the best-known kernel without timing. On the cpu device that is the first
    /// SIMD tactic that applies (bound and packed now); elsewhere, and where none applies, the launch as planned.
    /// </summary>
    public static KernelLaunch Fixed(KernelLaunch launch) => CpuTactics.FixedChoice(launch) ?? launch;

    /// <summary>16 × 16 items per group; groups cover (batch·outH·outW) columns and (cout / groups) rows in tiles of <paramref name="tile"/>.</summary>
    private static LaunchGrid Grid(KernelArgument[] a, int batch, int outH, int outChannels, int groups, int tile)
    {
        long columns = (long)a[batch].ScalarBits * a[outH].ScalarBits * a[outH + 1].ScalarBits;
        int rows = a[outChannels].ScalarBits / a[groups].ScalarBits;
        return new LaunchGrid(new Dim3(16, 16), new Dim3((int)((columns + tile - 1) / tile), (rows + tile - 1) / tile, a[groups].ScalarBits));
    }

    /// <summary>
    /// The cache key of a launch's layer: the reference kernel and every scalar argument (shape, hyper-parameters,
    /// quantization constants, mode) — a different shape is a different key.
    /// </summary>
    public static string LayerKey(KernelLaunch launch) =>
        launch.Kernel.Name + "(" + string.Join(",", launch.Arguments.Where(x => !x.IsView).Select(x => x.ScalarBits)) + ")";
}
