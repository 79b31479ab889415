using GpuEngine.Execution;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// The bytes each kernel launch really loads and stores in device memory, counted by running every launch once more
/// through <see cref="Backends.Backend.LaunchCounting"/> (the session's run loop with <see cref="LaunchMeasurement.Bytes"/>): element accesses through device-memory views, group shared
/// memory excluded. On OpenCL and CUDA that is the kernel's generator-emitted counting build, on the cpu backend an
/// access counter around the C# kernel; both count the same accesses. Beside the analytic mem_rw this shows traffic
/// amplification: halos and re-reads in convolutions, re-reads of weights per output, tiling.
/// </summary>
public static class MeasuredTraffic
{
    /// <summary>
    /// Bytes per launch, in launch order, from one more run of every launch. Which elements a kernel touches depends on
    /// shapes only, never on values, so the count holds whatever the arena holds.
    /// </summary>
    public static IReadOnlyList<long> Count(InferenceSession session)
    {
        var counter = new Counter();
        session.RunLaunches(counter);
        return counter.Bytes;
    }

    /// <summary>
    /// <see cref="Count"/>, or null when a launch's kernel has no counting build: the hand-described ILGPU-only kernels,
    /// such as the tensor-core conv a tuned session may choose (the profile then says no counting run was made).
    /// </summary>
    public static IReadOnlyList<long>? TryCount(InferenceSession session) => session.CanCountTraffic ? Count(session) : null;

    /// <summary>Collects each launch's bytes from the session's run loop.</summary>
    private sealed class Counter : ILaunchObserver
    {
        public List<long> Bytes { get; } = [];
        public LaunchMeasurement Measurement => LaunchMeasurement.Bytes;
        public void OnLaunch(in LaunchEvent launch) => Bytes.Add(launch.Bytes);
        public void OnRun(in RunEvent run) { }
    }
}
