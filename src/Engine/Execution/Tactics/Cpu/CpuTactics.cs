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
            if (tactic.TryApply(launch, out int written)) return written;
        return null;
    }

    /// <summary>The tactic candidates of <paramref name="launch"/> (none off the cpu device), bound and packed.</summary>
    public static IEnumerable<TacticCandidate> Candidates(KernelLaunch launch)
    {
        if (!OnCpu(launch)) yield break;
        foreach (var tactic in All)
            if (tactic.TryApply(launch, out int written))
                yield return new TacticCandidate(tactic.Name, Launch(launch, tactic.KernelName, tactic.Bind(launch)), written);
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
