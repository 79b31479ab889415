using System.Collections.Concurrent;
using GpuEngine.Backends;
using GpuEngine.Backends.Cuda;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// Which devices open on this machine, for runtime skips (xunit.v3's <c>Assert.Skip</c>): a test that needs a device
/// calls <see cref="Require"/> and is skipped with the device's own reason ("CUDA is not available: no CUDA driver …")
/// where it does not open, so one test class covers every device instead of one mirrored class per device.
/// </summary>
internal static class DeviceAvailability
{
    private static readonly ConcurrentDictionary<string, Lazy<string?>> Reasons = new();

    /// <summary>Why <paramref name="device"/> cannot open here, or null when it can (tried once per process).</summary>
    public static string? Unavailable(string device) => Reasons.GetOrAdd(device, name => new(() =>
    {
        try
        {
            using var backend = BackendFactory.Create(name);
            return null;
        }
        catch (BackendUnavailableException e)
        {
            return e.Message;
        }
    })).Value;

    /// <summary>Skips the running test, with the reason, where <paramref name="device"/> does not open.</summary>
    public static void Require(string device)
    {
        if (Unavailable(device) is { } reason) Assert.Skip($"{device}: {reason}");
    }

    /// <summary>Whether the CUDA driver library loads at all (a GPU may still be missing).</summary>
    public static bool CudaDriverPresent => CudaDriver.IsPresent();

    /// <summary>Skips the running test where the CUDA driver is installed (it checks the no-driver message).</summary>
    public static void RequireNoCudaDriver() =>
        Assert.SkipWhen(CudaDriverPresent, "the CUDA driver is installed here; this checks the message on machines without it");
}
