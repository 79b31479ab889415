using GpuEngine.Backends.Cpu;
using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Execution.Launchers;
using GpuEngine.Execution;
using GpuEngine.Execution.Tactics;
using GpuEngine.Kernels;

namespace GpuEngine.Execution.Tactics;

/// <summary>
/// The registry of cpu SIMD tactics and the glue that turns a bound <see cref="CpuTacticRun"/> into an ordinary
/// <see cref="KernelLaunch"/>: a cpu-only <see cref="KernelDescriptor"/> (no OpenCL or ILGPU form, so other devices
/// never run it) whose CPU binder calls the run, on a one-item grid, counted as its reference launch.
/// </summary>
public static class CpuTactics
{
    /// <summary>Every registered tactic; where several apply to a launch, the first is the fixed choice.</summary>
    public static IReadOnlyList<ICpuTactic> All { get; } =
    [
        new Fp32ChannelConvTactic(),
        new Fp32Conv2dTactic(),
        new Fp32DepthwiseTactic(),
        new Fp32LinearTactic(),
        new Int8Conv2dTactic(),
        new Int8LinearTactic(),
        new Int8GlobalAvgPoolTactic(),
        new Int8QuantizeTactic(),
        new Int8DequantizeTactic(),
        new Int8RequantizeTactic(),
        new Int8AddTactic(),
        new Int8MaxPoolTactic(),
        new Int8AdaptiveAvgPoolTactic(),
        new Fp32UnaryTactic(),
        new Fp32ActivationTactic(),
        new Fp32AddTactic(),
        new Fp32BinaryTactic(),
        new Fp32GlobalAvgPoolTactic(),
        new Fp32WindowPoolTactic(),
        new Fp32AdaptiveAvgPoolTactic(),
    ];

    private static readonly LaunchGrid SingleItem = new(new Dim3(1), new Dim3(1));

    /// <summary>The argument index the launch writes if some tactic applies to it (the launch is on the cpu), else null.</summary>
    public static int? Written(KernelLaunch launch)
    {
        if (!OnCpu(launch)) return null;
        foreach (var tactic in All)
            if (tactic.TryApply(launch, out int written)) return InPlace(launch, written) ? null : written;
        return null;
    }

    /// <summary>
    /// The tactic candidates of <paramref name="launch"/> (none off the cpu device), bound and packed. None for a launch
    /// that writes over one of its inputs (an in-place Add or activation): run twice it would compute twice, and the
    /// poisoned output of tuned validation would be its input.
    /// </summary>
    public static IEnumerable<TacticCandidate> Candidates(KernelLaunch launch)
    {
        if (!OnCpu(launch)) yield break;
        foreach (var tactic in All)
            if (tactic.TryApply(launch, out int written) && !InPlace(launch, written))
                yield return new TacticCandidate(tactic.Name, Launch(launch, tactic.KernelName, tactic.Bind(launch)), written);
    }

    /// <summary>
    /// The launch <c>--tactics fixed</c> runs on the cpu: the first tactic that applies, in-place launches included (run
    /// once per inference, they are exact; counted, the reference runs alone, see <see cref="KernelLaunch.RerunsAfterCounting"/>), else null.
    /// </summary>
    public static KernelLaunch? FixedChoice(KernelLaunch launch)
    {
        if (!OnCpu(launch)) return null;
        foreach (var tactic in All)
            if (tactic.TryApply(launch, out int written))
                return Launch(launch, tactic.KernelName, tactic.Bind(launch)) with { RerunsAfterCounting = !InPlace(launch, written) };
        return null;
    }

    /// <summary>
    /// Whether view <paramref name="written"/> of the launch overlaps a view the kernel only reads (same buffer, overlapping
    /// bytes). Other written views (an int8 conv's unused output or accumulator placeholder) do not count.
    /// </summary>
    public static bool InPlace(KernelLaunch launch, int written)
    {
        var a = launch.Arguments;
        var (start, end) = Bytes(launch, written);
        for (int i = 0; i < a.Length; i++)
            if (i != written && a[i].IsView && !launch.Kernel.Parameters[i].Writable && ReferenceEquals(a[i].Buffer, a[written].Buffer)
                && Bytes(launch, i) is var (s, e) && s < end && start < e)
                return true;
        return false;
    }

    private static (long Start, long End) Bytes(KernelLaunch launch, int index)
    {
        var argument = launch.Arguments[index];
        int size = launch.Kernel.Parameters[index].ElementType is KernelElementType.Float32 or KernelElementType.Int32 ? 4 : 1;
        return (argument.ByteOffset, argument.ByteOffset + Math.Max(1, argument.Length) * size);
    }

    /// <summary>
    /// A launch that runs <paramref name="run"/> in place of <paramref name="reference"/>: same node and arguments, its own
    /// cpu-only kernel. The profiler's counting build counts it as the reference (<see cref="KernelLaunch.CountedAs"/>).
    /// </summary>
    public static KernelLaunch Launch(KernelLaunch reference, string kernelName, CpuTacticRun run)
    {
        CpuKernelBody body = (in WorkItem _) => run.Execute();
        var kernel = new KernelDescriptor(kernelName, kernelName, reference.Kernel.Parameters, OpenClSource: "") { CpuBinder = _ => body };
        return new KernelLaunch(reference.Node, kernel, SingleItem, reference.Arguments) { CountedAs = reference.CountedAs ?? reference };
    }

    private static bool OnCpu(KernelLaunch launch) =>
        CpuSimd.Enabled && launch.Arguments.Length > 0 && launch.Arguments.All(a => !a.IsView || a.Buffer is CpuBuffer);
}
