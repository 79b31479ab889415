using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using ILGPU;

namespace GpuEngine.Backends.Cuda;

/// <summary>
/// Finding the CUDA driver library before ILGPU looks for it. ILGPU imports it as "cuda", which .NET resolves to
/// libcuda.so; a machine with only the driver (no development symlink, as in many containers) has just
/// libcuda.so.1, so the engine hands ILGPU that file when its own lookup fails.
/// </summary>
internal static class CudaDriver
{
    private static readonly string[] Candidates = OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"];

    private static readonly Lazy<nint> Handle = new(() =>
    {
        foreach (var name in Candidates)
            if (NativeLibrary.TryLoad(name, out var handle)) return handle;
        return 0;
    });

    private static int _resolverInstalled;

    /// <summary>The library name the engine looks for, for messages.</summary>
    public static string LibraryName => Candidates[0];

    /// <summary>Whether the driver library loads on this machine (installs the fallback for ILGPU when it does).</summary>
    public static bool IsPresent()
    {
        if (Handle.Value == 0) return false;
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 0)
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveForIlgpu;
        return true;
    }

    /// <summary>Called only after .NET's own probing failed: gives ILGPU's "cuda" import the driver found above.</summary>
    private static nint ResolveForIlgpu(Assembly assembly, string name) =>
        assembly == typeof(Context).Assembly && name.Contains("cuda", StringComparison.OrdinalIgnoreCase) ? Handle.Value : 0;
}
