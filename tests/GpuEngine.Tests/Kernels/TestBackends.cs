using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Backends.IlgpuCpu;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// The backends kernel tests run on. Each entry opens a backend or says why it cannot (missing driver,
/// no device); tests take backend names from <see cref="Available"/>. OpenCL runs on PoCL in CI;
/// CUDA where a GPU is at hand. ilgpu-cpu (ILGPU's own semantics) is listed once it supports every generated
/// kernel, i.e. once the generator fills in <see cref="KernelDescriptor.IlgpuLoader"/>; it is hundreds of times
/// slower than cpu, so a test with large shapes takes <see cref="IsSlow"/> ones out (see <see cref="Names(bool)"/>).
/// </summary>
public static class TestBackends
{
    private static readonly (string Name, Func<Backend> Open)[] Known =
    [
        ("cpu", () => new CpuBackend()),
        // The same backend with barrier kernels on one thread per work item: keeps that fallback path tested.
        ("cpu-threads", () => new CpuBackend { ThreadPerWorkItem = true }),
        ("opencl", () => BackendFactory.Create("opencl")),
        ("cuda", () => BackendFactory.Create("cuda")),
        ("ilgpu-cpu", () => new IlgpuCpuBackend()),
    ];

    /// <summary>Backends that run every thread of a group as an OS thread: small shapes only.</summary>
    private static readonly HashSet<string> Slow = ["ilgpu-cpu"];

    private static readonly Lazy<string[]> Opening = new(() => Known.Where(Opens).Select(k => k.Name).ToArray());

    /// <summary>Names of the backends that open on this machine (xUnit MemberData).</summary>
    public static TheoryData<string> Available() => new(Names());

    /// <summary>Names of the backends that open on this machine and run every generated kernel, for composing larger case lists.</summary>
    public static IEnumerable<string> Names() => Opening.Value;

    /// <summary><see cref="Names()"/>, without the <see cref="IsSlow"/> ones unless <paramref name="small"/>: for tests whose shapes are large.</summary>
    public static IEnumerable<string> Names(bool small) => small ? Names() : Names().Where(n => !IsSlow(n));

    /// <summary>Whether <paramref name="name"/> is a reference backend that only takes small shapes (ilgpu-cpu).</summary>
    public static bool IsSlow(string name) => Slow.Contains(name);

    private static readonly Dictionary<string, string> Failures = [];

    /// <summary>
    /// Backends that must open: with CI=true, cpu, opencl (PoCL is installed by .ci/run) and ilgpu-cpu, or the comma-separated list
    /// in GPUENGINE_EXPECT_BACKENDS. <see cref="TestBackendsTests"/> fails where one of them did not open, so a broken
    /// driver fails the run instead of its tests vanishing.
    /// </summary>
    public static IReadOnlyList<string> Expected()
    {
        var list = Environment.GetEnvironmentVariable("GPUENGINE_EXPECT_BACKENDS");
        if (!string.IsNullOrWhiteSpace(list)) return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? ["cpu", "opencl", "ilgpu-cpu"] : [];
    }

    /// <summary>Why a backend did not open here, by name (empty when all did).</summary>
    public static IReadOnlyDictionary<string, string> FailedToOpen
    {
        get
        {
            _ = Opening.Value;
            lock (Failures) return new Dictionary<string, string>(Failures);
        }
    }

    private static bool Opens((string Name, Func<Backend> Open) known)
    {
        try
        {
            using var backend = known.Open();
            // A backend that cannot run every generated kernel (a descriptor without an ILGPU form) is not listed.
            if (known.Name == "ilgpu-cpu" && !GeneratedKernels.All.All(backend.Supports))
                throw new NotSupportedException("a generated kernel has no ILGPU form");
            return true;
        }
        catch (Exception e) when (e is GpuEngineException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            // Unavailable here (no driver or device): not listed, so its tests do not run; an expected one fails TestBackendsTests.
            lock (Failures) Failures[known.Name] = $"{e.GetType().Name}: {e.Message}";
            return false;
        }
    }

    /// <summary>Opens backend <paramref name="name"/>; the caller disposes it.</summary>
    public static Backend Open(string name) => Known.First(k => k.Name == name).Open();
}
