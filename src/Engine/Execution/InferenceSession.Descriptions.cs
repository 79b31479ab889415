namespace GpuEngine.Execution;

/// <summary>A read-only description of one kernel launch of a session (the launches themselves, with their device arguments, are internal).</summary>
/// <param name="Index">Position in launch order.</param>
/// <param name="Kernel">The kernel's name.</param>
/// <param name="Node">The node it computes (its layers: <see cref="Ir.Node.Layers"/>).</param>
public sealed record LaunchDescription(int Index, string Kernel, Ir.Node Node);

public sealed partial class InferenceSession
{
    /// <summary>The device the session runs on, by backend name (cpu, ilgpu-cpu, opencl, cuda).</summary>
    public string DeviceName => Backend.Name;

    /// <summary>The device in words (its model and driver where the backend knows them).</summary>
    public string DeviceDescription => Backend.DeviceDescription;

    /// <summary>How many kernel launches one inference takes.</summary>
    public int LaunchCount => _primary.Launches.Count;

    /// <summary>Every launch of one inference, in order, described (after tuning, the chosen candidates).</summary>
    public IReadOnlyList<LaunchDescription> LaunchDescriptions => [.. _primary.Launches.Select((l, i) => new LaunchDescription(i, l.Kernel.Name, l.Node))];

    /// <summary>
    /// Whether every launch has a counting build, so <see cref="LaunchMeasurement.Bytes"/> can be observed: false where a
    /// tuned session chose a hand-described ILGPU-only kernel (the tensor-core conv) that has none.
    /// </summary>
    public bool CanCountTraffic => _primary.Launches.All(l => l.Kernel.IlgpuLoader is null || l.Kernel.CountingIlgpuLoader is not null);
}
