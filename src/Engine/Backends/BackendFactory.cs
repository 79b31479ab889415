using GpuEngine.Backends.Cpu;
using GpuEngine.Backends.Cuda;
using GpuEngine.Backends.IlgpuCpu;
using GpuEngine.Backends.OpenCl;

namespace GpuEngine.Backends;

/// <summary>A created backend and the one-line reason it was chosen. The caller owns it: disposing the choice disposes the backend.</summary>
public sealed record BackendChoice(Backend Backend, string Explanation) : IDisposable
{
    public void Dispose() => Backend.Dispose();
}

/// <summary>Whether one backend can start on this machine, why not, and its device when it can.</summary>
public sealed record BackendAvailability(string Name, bool Available, string Reason, string? DeviceDescription);

/// <summary>
/// Creates the backend named by <c>--device auto|cpu|ilgpu-cpu|opencl|cuda</c>. <c>auto</c> takes cuda if it starts,
/// else an OpenCL device that is not the host's CPU, else cpu, and says why in <see cref="BackendChoice.Explanation"/>;
/// it passes over an OpenCL CPU device such as PoCL (<see cref="Backend.IsHostCpu"/>: the cpu device's SIMD kernels
/// ran the same cores 20 to 150 times faster, bench/results/2026-12-02-peer-benchmarks.md) unless nothing else starts,
/// and never takes ilgpu-cpu (ILGPU's reference semantics, hundreds of times slower than cpu). An explicit choice that cannot start throws a
/// <see cref="BackendUnavailableException"/> with the reason (missing library, no device); an unknown name an
/// <see cref="UnknownDeviceException"/> listing the valid ones.
/// </summary>
public static class BackendFactory
{
    /// <summary>The accepted --device values.</summary>
    public static IReadOnlyList<string> DeviceNames { get; } = ["auto", "cpu", "ilgpu-cpu", "opencl", "cuda"];

    /// <summary>"auto, cpu, ilgpu-cpu, opencl or cuda", for help texts and messages.</summary>
    public static string DeviceNamesText => string.Join(", ", DeviceNames.Take(DeviceNames.Count - 1)) + " or " + DeviceNames[^1];

    /// <summary>Backends auto never picks: reference implementations, not devices to run on.</summary>
    internal static IReadOnlySet<string> NotForAuto { get; } = new HashSet<string> { "ilgpu-cpu" };

    /// <summary>Every backend, in auto's order of preference (those in <see cref="NotForAuto"/> last), each with a constructor.</summary>
    internal static IReadOnlyList<(string Name, Func<Backend> Create)> Preference { get; } =
    [
        ("cuda", () => new CudaBackend()),
        ("opencl", () => new OpenClBackend()),
        ("cpu", () => new CpuBackend()),
        ("ilgpu-cpu", () => new IlgpuCpuBackend()),
    ];

    /// <summary>The order <c>gpuengine devices</c> lists them in: the host ones first.</summary>
    private static readonly string[] ListingOrder = ["cpu", "ilgpu-cpu", "opencl", "cuda"];

    /// <summary>The backend for <paramref name="device"/>; see <see cref="Choose(string)"/> for the explanation too.</summary>
    public static Backend Create(string device) => Choose(device).Backend;

    /// <summary>Creates the backend for <paramref name="device"/> and explains the choice.</summary>
    public static BackendChoice Choose(string device) => Choose(device, Preference);

    internal static BackendChoice Choose(string device, IReadOnlyList<(string Name, Func<Backend> Create)> candidates)
    {
        ArgumentNullException.ThrowIfNull(device);
        string wanted = device.Trim().ToLowerInvariant();
        if (wanted != "auto")
        {
            var candidate = candidates.FirstOrDefault(c => c.Name == wanted);
            if (candidate.Create is null)
                throw new UnknownDeviceException($"unknown device '{device}': expected one of {string.Join(", ", DeviceNames)}");
            var backend = candidate.Create(); // BackendUnavailableException is a GpuEngineException with the reason
            return new BackendChoice(backend, $"{wanted}: requested ({backend.DeviceDescription})");
        }
        var skipped = new List<string>();
        Backend? hostCpuFallback = null;
        string? hostCpuName = null;
        foreach (var (name, create) in candidates)
        {
            if (NotForAuto.Contains(name)) continue;
            try
            {
                var backend = create();
                if (backend.IsHostCpu && name != "cpu" && hostCpuFallback is null)
                {
                    // Kept open until the cpu device has started: if it cannot, the host-CPU device is still better than nothing.
                    hostCpuFallback = backend;
                    hostCpuName = name;
                    skipped.Add($"{name} passed over: its device is this machine's CPU ({backend.DeviceDescription}), which the cpu device runs faster");
                    continue;
                }
                hostCpuFallback?.Dispose();
                string why = skipped.Count == 0 ? "" : " — " + string.Join("; ", skipped);
                return new BackendChoice(backend, $"auto: chose {name} ({backend.DeviceDescription}){why}");
            }
            catch (GpuEngineException e)
            {
                // A driver that is present but fails to start (a context it cannot create) is as good as absent for auto.
                skipped.Add($"{name} unavailable: {(e is BackendUnavailableException u ? u.Reason : e.Message)}");
            }
        }
        if (hostCpuFallback is not null)
        {
            var others = skipped.Where(s => !s.StartsWith(hostCpuName + " passed over", StringComparison.Ordinal));
            string why = others.Any() ? " — " + string.Join("; ", others) : "";
            return new BackendChoice(hostCpuFallback, $"auto: chose {hostCpuName} ({hostCpuFallback.DeviceDescription}){why}");
        }
        throw new GpuEngineException($"auto: no backend could start — {string.Join("; ", skipped)}");
    }

    /// <summary>Tries every backend (creating and disposing each) and reports which can start, and why not: cpu, ilgpu-cpu, opencl, cuda.</summary>
    public static IReadOnlyList<BackendAvailability> Probe() =>
        Probe([.. ListingOrder.Select(name => Preference.Single(p => p.Name == name))]);

    internal static IReadOnlyList<BackendAvailability> Probe(IReadOnlyList<(string Name, Func<Backend> Create)> candidates)
    {
        var result = new List<BackendAvailability>();
        foreach (var (name, create) in candidates)
        {
            try
            {
                using var backend = create();
                result.Add(new BackendAvailability(name, true, "available", backend.DeviceDescription));
            }
            catch (GpuEngineException e)
            {
                string reason = e is BackendUnavailableException u ? u.Reason : e.Message;
                result.Add(new BackendAvailability(name, false, reason, null));
            }
        }
        return result;
    }
}
