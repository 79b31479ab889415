using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Execution.Launchers;

namespace GpuEngine.Execution.Tactics;

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
