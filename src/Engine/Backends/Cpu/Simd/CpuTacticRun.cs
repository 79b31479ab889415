namespace GpuEngine.Backends.Cpu.Simd;

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
    /// Below this many multiply-adds a launch runs on the calling thread alone: handing jobs to a worker costs about a
    /// microsecond while it still spins from the last launch (<see cref="CpuParallel"/>), tens when it must be woken,
    /// so only launches of a few microseconds gain nothing. 2^16 (about 3 µs on one core) unless
    /// GPUENGINE_CPU_PARALLEL_MACS says otherwise. Measured on the 2-core VM (loaded, RepVGG-N1 1x3x112x112, per-layer
    /// min of 8 alternating profiles): the 0.9-1.8 M-MAC convs ran 25-45 % faster spread than under the former 2^22,
    /// the 11 k-MAC linear no slower.
    /// </summary>
    public static long ParallelFromMacs { get; } =
        long.TryParse(Environment.GetEnvironmentVariable("GPUENGINE_CPU_PARALLEL_MACS"), out long macs) && macs >= 0 ? macs : 1L << 16;

    /// <summary>Runs jobs 0 .. <paramref name="jobs"/> − 1: spread over the cores, or inline when <paramref name="macs"/> is small.</summary>
    protected void RunJobs(int jobs, long macs) => Spread(jobs, this, macs, ParallelFromMacs);

    /// <summary>
    /// Runs jobs 0 .. <paramref name="jobs"/> − 1 of <paramref name="body"/>: over the cores with <see cref="CpuParallel.For"/>,
    /// or on the calling thread when <paramref name="macs"/> is below <paramref name="parallelFromMacs"/>.
    /// </summary>
    public static void Spread(int jobs, ICpuParallelBody body, long macs, long parallelFromMacs)
    {
        if (macs < parallelFromMacs)
            for (int i = 0; i < jobs; i++) body.Run(i);
        else CpuParallel.For(jobs, body);
    }
}
