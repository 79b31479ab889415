using GpuEngine.Execution;
using GpuEngine.Ir;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// Times a session on its device. Launches are asynchronous on OpenCL and CUDA, so a host clock around a launch
/// measures only the queueing: every time here is the span between two events recorded in the device's queue
/// (CUDA events, OpenCL markers with profiling; on the cpu backend, whose launches return when done, a stopwatch).
/// Two measurements, each over <see cref="ProfileOptions.Runs"/> runs after <see cref="ProfileOptions.Warmup"/> untimed ones
/// and alternating run by run: end to end (one event before the first launch and one after the last, nothing in between),
/// and per kernel (an event after every launch). The difference is what the profiler's own events cost.
/// </summary>
public static class SessionProfiler
{
    public static SessionProfile Measure(InferenceSession session, Tensor input, ProfileOptions options)
    {
        options.Check();
        session.WriteInput(session.InputMetadata[0].Name, input);
        var endToEnd = new RunTimes(LaunchMeasurement.EndToEnd);
        for (int w = 0; w < options.Warmup; w++) session.RunLaunches(endToEnd);

        // The two measurements alternate run by run, so both see the same clocks, caches and neighbours on a shared machine;
        // measured one after the other, their medians drift apart by more than the events cost (a negative overhead).
        var perKernel = new LaunchTimes();
        var endToEndTimes = new double[options.Runs];
        for (int r = 0; r < options.Runs; r++)
        {
            endToEnd.Times.Clear();
            session.RunLaunches(endToEnd);
            endToEndTimes[r] = endToEnd.Times[0];
            WorkProgress.Report("profiling, per-kernel runs", r + 1, options.Runs);
            session.RunLaunches(perKernel);
        }

        var kernels = perKernel.Last.Select((e, i) => new KernelTiming(i, e, LatencyStats.Of(perKernel.Durations[i]), e.StartMs, e.DurationMs)).ToList();
        var totals = perKernel.Totals;
        var overhead = LatencyStats.Of(totals.Select((t, r) => t - endToEndTimes[r])).MedianMs;
        return new SessionProfile(session, options, LatencyStats.Of(endToEndTimes), LatencyStats.Of(totals), kernels)
        {
            OverheadMs = Math.Max(0, overhead),
        };
    }

    /// <summary>Only the end-to-end measurement (the zoo overview): warm-up, then one event pair around each run's launches.</summary>
    public static LatencyStats MeasureEndToEnd(InferenceSession session, Tensor input, ProfileOptions options)
    {
        options.Check();
        session.WriteInput(session.InputMetadata[0].Name, input);
        var observer = new RunTimes(LaunchMeasurement.EndToEnd);
        for (int w = 0; w < options.Warmup; w++) session.RunLaunches(observer);
        observer.Times.Clear();
        for (int r = 0; r < options.Runs; r++)
        {
            WorkProgress.Report("profiling, end-to-end runs", r + 1, options.Runs);
            session.RunLaunches(observer);
        }
        return LatencyStats.Of(observer.Times);
    }

    /// <summary>Each observed run's device time.</summary>
    private sealed class RunTimes(LaunchMeasurement measurement) : ILaunchObserver
    {
        public List<double> Times { get; } = [];
        public LaunchMeasurement Measurement => measurement;
        public void OnLaunch(in LaunchEvent launch) { }
        public void OnRun(in RunEvent run) => Times.Add(run.DeviceMs);
    }

    /// <summary>Per-launch durations over every observed run, the last run's events, and each run's first-to-last device time.</summary>
    private sealed class LaunchTimes : ILaunchObserver
    {
        private readonly List<LaunchEvent> _current = [];
        public List<List<double>> Durations { get; } = [];
        public List<double> Totals { get; } = [];
        public IReadOnlyList<LaunchEvent> Last { get; private set; } = [];
        public LaunchMeasurement Measurement => LaunchMeasurement.PerLaunch;

        public void OnLaunch(in LaunchEvent launch)
        {
            if (Durations.Count <= launch.Index) Durations.Add([]);
            Durations[launch.Index].Add(launch.DurationMs);
            _current.Add(launch);
        }

        public void OnRun(in RunEvent run)
        {
            Totals.Add(run.DeviceMs);
            Last = [.. _current];
            _current.Clear();
        }
    }
}

/// <summary>What <see cref="SessionProfiler"/> measured.</summary>
/// <param name="EndToEnd">One inference's launches with no events between them.</param>
/// <param name="PerKernelRun">The same launches with an event after each: first event to last.</param>
public sealed record SessionProfile(InferenceSession Session, ProfileOptions Options, LatencyStats EndToEnd, LatencyStats PerKernelRun, IReadOnlyList<KernelTiming> Kernels)
{
    /// <summary>The device's ceilings when asked for (<see cref="Measurement.Roofline.For(InferenceSession, string?)"/>); null otherwise.</summary>
    public Roofline? Roofline { get; init; }

    /// <summary>Bytes each launch really moved (<see cref="MeasuredTraffic"/>), in launch order; null where not counted.</summary>
    public IReadOnlyList<long>? MeasuredBytes { get; init; }

    /// <summary>
    /// How much slower the per-kernel run is: the median over run pairs of per-kernel minus end to end, never below 0
    /// (where events cost nothing, as on the cpu backend, noise alone makes the difference negative half the time).
    /// </summary>
    public double OverheadMs { get; init; } = Math.Max(0, PerKernelRun.MedianMs - EndToEnd.MedianMs);
}
