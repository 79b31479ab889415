using GpuEngine.Backends;
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
        var backend = session.Backend;
        var launches = session.Launches;
        session.WriteInput(session.InputMetadata[0].Name, input);
        for (int w = 0; w < options.Warmup; w++) RunAll(session);
        backend.Synchronize();

        // The two measurements alternate run by run, so both see the same clocks, caches and neighbours on a shared machine;
        // measured one after the other, their medians drift apart by more than the events cost (a negative overhead).
        var endToEndTimes = new double[options.Runs];
        var perKernel = new double[launches.Count][];
        for (int i = 0; i < launches.Count; i++) perKernel[i] = new double[options.Runs];
        var totals = new double[options.Runs];
        var lastStarts = new double[launches.Count];
        for (int r = 0; r < options.Runs; r++)
        {
            endToEndTimes[r] = EndToEnd(session, 1).MedianMs;
            WorkProgress.Report("profiling, per-kernel runs", r + 1, options.Runs);
            var events = new DeviceEvent[launches.Count + 1];
            try
            {
                events[0] = backend.RecordEvent();
                for (int i = 0; i < launches.Count; i++)
                {
                    launches[i].Run(backend);
                    events[i + 1] = backend.RecordEvent();
                }
                backend.Synchronize();
                for (int i = 0; i < launches.Count; i++)
                {
                    perKernel[i][r] = backend.ElapsedMilliseconds(events[i], events[i + 1]);
                    lastStarts[i] = backend.ElapsedMilliseconds(events[0], events[i]);
                }
                totals[r] = backend.ElapsedMilliseconds(events[0], events[^1]);
            }
            finally
            {
                foreach (var e in events) e?.Dispose();
            }
        }

        var kernels = launches.Select((l, i) => new KernelTiming(i, l, LatencyStats.Of(perKernel[i]), lastStarts[i], perKernel[i][^1])).ToList();
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
        for (int w = 0; w < options.Warmup; w++) RunAll(session);
        session.Backend.Synchronize();
        return EndToEnd(session, options.Runs);
    }

    private static LatencyStats EndToEnd(InferenceSession session, int runs)
    {
        var backend = session.Backend;
        var times = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            WorkProgress.Report("profiling, end-to-end runs", r + 1, runs);
            using var start = backend.RecordEvent();
            RunAll(session);
            using var end = backend.RecordEvent();
            times[r] = backend.ElapsedMilliseconds(start, end);
        }
        return LatencyStats.Of(times);
    }

    private static void RunAll(InferenceSession session)
    {
        foreach (var launch in session.Launches) launch.Run(session.Backend);
    }
}

/// <summary>What <see cref="SessionProfiler"/> measured.</summary>
/// <param name="EndToEnd">One inference's launches with no events between them.</param>
/// <param name="PerKernelRun">The same launches with an event after each: first event to last.</param>
public sealed record SessionProfile(InferenceSession Session, ProfileOptions Options, LatencyStats EndToEnd, LatencyStats PerKernelRun, IReadOnlyList<KernelTiming> Kernels)
{
    /// <summary>The device's ceilings when asked for (<see cref="Measurement.Roofline.For"/>); null otherwise.</summary>
    public Roofline? Roofline { get; init; }

    /// <summary>Bytes each launch really moved (<see cref="MeasuredTraffic"/>), in launch order; null where not counted.</summary>
    public IReadOnlyList<long>? MeasuredBytes { get; init; }

    /// <summary>
    /// How much slower the per-kernel run is: the median over run pairs of per-kernel minus end to end, never below 0
    /// (where events cost nothing, as on the cpu backend, noise alone makes the difference negative half the time).
    /// </summary>
    public double OverheadMs { get; init; } = Math.Max(0, PerKernelRun.MedianMs - EndToEnd.MedianMs);
}
