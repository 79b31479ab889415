using GpuEngine.Execution;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// The measured time of one kernel launch of a session (its <see cref="LaunchEvent"/> from the session's run loop, as last reported): statistics over the per-kernel runs, and where it sat in the
/// last of them (start and duration after the run's first event), which the Chrome trace draws.
/// </summary>
public sealed record KernelTiming(int Index, LaunchEvent Launch, LatencyStats Latency, double StartMs, double DurationMs);
