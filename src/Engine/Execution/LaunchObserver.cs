using GpuEngine.Ir;
using GpuEngine.Kernels;

namespace GpuEngine.Execution;

/// <summary>What a session measures for an <see cref="ILaunchObserver"/> while it runs its launches.</summary>
public enum LaunchMeasurement
{
    /// <summary>One device event before the first launch and one after the last, nothing between: the run's device time only.</summary>
    EndToEnd,

    /// <summary>A device event after every launch as well: each launch's start and duration (the events cost a little).</summary>
    PerLaunch,

    /// <summary>Every launch through its counting build (<see cref="Backends.Backend.LaunchCounting"/>): the bytes it moved; no times.</summary>
    Bytes,
}

/// <summary>
/// One kernel launch of a run, as the session's own run loop reports it once the run has completed.
/// </summary>
/// <param name="Index">Position in the session's launch order (0-based).</param>
/// <param name="Kernel">The kernel launched (after tactic selection, the chosen candidate).</param>
/// <param name="Node">The node the launch computes; <see cref="Node.Layers"/> are the model layers it belongs to.</param>
/// <param name="Step">Index of the memory plan's step it executes (<see cref="Planning.MemoryPlan.Steps"/>); null for an int8 edge
/// conversion (Quantize, Dequantize), which runs outside the plan.</param>
/// <param name="StartMs">Per-launch measurement: milliseconds from the run's first event to this launch's start; else 0.</param>
/// <param name="DurationMs">Per-launch measurement: the launch's device time; else 0.</param>
/// <param name="Bytes">Bytes measurement: device-memory bytes the launch loaded and stored; else 0.</param>
public readonly record struct LaunchEvent(int Index, KernelDescriptor Kernel, Node Node, int? Step, double StartMs, double DurationMs, long Bytes)
{
    /// <summary>The model layers this launch belongs to (fused kernels cover several).</summary>
    public IReadOnlyList<string> Layers => Node.Layers;
}

/// <summary>One completed run of a session's launches.</summary>
/// <param name="Launches">How many launches ran.</param>
/// <param name="DeviceMs">Device time from the event before the first launch to the event after the last (0 for <see cref="LaunchMeasurement.Bytes"/>).</param>
public readonly record struct RunEvent(int Launches, double DeviceMs);

/// <summary>
/// The one hook through which anything outside the executor (the profiler) observes it: the session's run loop calls
/// <see cref="OnLaunch"/> for every launch (per-launch and bytes measurements) and then <see cref="OnRun"/>, after the
/// run has completed on the device. Observers never see device buffers or the backend.
/// </summary>
public interface ILaunchObserver
{
    /// <summary>What the session measures for this observer.</summary>
    LaunchMeasurement Measurement { get; }

    /// <summary>One launch of the run, in order.</summary>
    void OnLaunch(in LaunchEvent launch);

    /// <summary>The run, after its launches were reported.</summary>
    void OnRun(in RunEvent run);
}
