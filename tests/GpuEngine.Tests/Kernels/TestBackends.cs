using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// The backends kernel tests run on. Each entry opens a backend or says why it cannot (missing driver,
/// no device); tests take backend names from <see cref="Available"/>. OpenCL runs on PoCL in CI;
/// CUDA where a GPU is at hand.
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
    ];

    private static readonly Lazy<string[]> Opening = new(() => Known.Where(k => Opens(k.Open)).Select(k => k.Name).ToArray());

    /// <summary>Names of the backends that open on this machine (xUnit MemberData).</summary>
    public static TheoryData<string> Available() => new(Names());

    /// <summary>Names of the backends that open on this machine, for composing larger case lists.</summary>
    public static IEnumerable<string> Names() => Opening.Value;

    private static bool Opens(Func<Backend> open)
    {
        try
        {
            open().Dispose();
            return true;
        }
        catch (Exception e) when (e is GpuEngineException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            // Unavailable here (no driver or device): not listed, so its tests do not run.
            return false;
        }
    }

    /// <summary>Opens backend <paramref name="name"/>; the caller disposes it.</summary>
    public static Backend Open(string name) => Known.First(k => k.Name == name).Open();
}
