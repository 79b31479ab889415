using GpuEngine.Execution;
using GpuEngine.Kernels;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// A cpu-only kernel that computes the same launch as a reference (generated) kernel, faster: a SIMD tactic. It is
/// offered as a tactic candidate on the cpu device only (<see cref="CpuTactics.Candidates"/>), runs as the fixed
/// choice there, and is validated against the reference under <c>--tactics tuned</c>.
/// </summary>
public interface ICpuTactic
{
    /// <summary>The candidate's name: stable, it keys the tactic cache ("simd", "simd-direct", ...).</summary>
    string Name { get; }

    /// <summary>The kernel name the launch shows (profiles, check): the op's name first, e.g. "Conv2dSimd".</summary>
    string KernelName { get; }

    /// <summary>
    /// Whether this tactic computes <paramref name="launch"/> (its reference kernel and a shape it handles); if so,
    /// <paramref name="written"/> is the index of the argument the launch writes.
    /// </summary>
    bool TryApply(KernelLaunch launch, out int written);

    /// <summary>
    /// Binds the launch's views and packs its weights (once per weights region: <see cref="PackedWeights"/>). Called at
    /// session creation under <c>fixed</c>, at tuning under <c>tuned</c>; never per run.
    /// </summary>
    CpuTacticRun Bind(KernelLaunch launch);
}

/// <summary>
/// One bound tactic launch: <see cref="Execute"/> runs the whole launch on the calling thread and spreads its work
/// over the cores with <see cref="CpuParallel.For"/> (this object being the body, so a run allocates nothing).
/// Read <see cref="CpuSimd.Level"/> at the start of <see cref="Execute"/>, not in <see cref="Run"/>: the workers do not
/// carry the caller's forced level.
/// </summary>
public abstract class CpuTacticRun : ICpuParallelBody
{
    /// <summary>Runs the launch.</summary>
    public abstract void Execute();

    /// <summary>One job of the launch (an output tile, a plane, a block of rows), from any worker thread.</summary>
    public abstract void Run(int index);

    /// <summary>
    /// Below this many multiply-adds a launch runs on the calling thread alone: waking a worker costs more than it saves
    /// (tens of microseconds on a quiet machine, far more on a loaded one) when the whole launch takes about as long.
    /// </summary>
    public const long ParallelFromMacs = 1 << 20;

    /// <summary>Runs jobs 0 .. <paramref name="jobs"/> − 1: spread over the cores, or inline when <paramref name="macs"/> is small.</summary>
    protected void RunJobs(int jobs, long macs)
    {
        if (macs < ParallelFromMacs)
            for (int i = 0; i < jobs; i++) Run(i);
        else CpuParallel.For(jobs, this);
    }
}
