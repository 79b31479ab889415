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

    /// <summary>
    /// Calls the driver's cuInit(0) and returns its CUresult: ILGPU calls it too, but turns any failure into "no
    /// device" without the code, so the engine asks first to say why (no GPU, a driver too old, no device node).
    /// </summary>
    public static unsafe int Init()
    {
        if (!IsPresent()) throw new InvalidOperationException("the CUDA driver is not loaded");
        if (!NativeLibrary.TryGetExport(Handle.Value, "cuInit", out var cuInit)) return -1;
        return ((delegate* unmanaged<uint, int>)cuInit)(0);
    }

    /// <summary>The address of a driver entry point, or 0 when the driver is absent or lacks it.</summary>
    public static nint Export(string name) =>
        IsPresent() && NativeLibrary.TryGetExport(Handle.Value, name, out var address) ? address : 0;

    /// <summary>A cuInit result in words, for the one-line reason.</summary>
    public static string DescribeInitError(int result) => result switch
    {
        -1 => "the driver library has no cuInit (not an NVIDIA driver)",
        100 => "no CUDA GPU found (cuInit: CUDA_ERROR_NO_DEVICE)",
        35 => "the NVIDIA driver is too old (cuInit: CUDA_ERROR_INSUFFICIENT_DRIVER)",
        999 => "the CUDA driver failed to start (cuInit: CUDA_ERROR_UNKNOWN; is /dev/nvidia* accessible?)",
        _ => $"the CUDA driver failed to start (cuInit returned CUresult {result})",
    };

    /// <summary>Called only after .NET's own probing failed: gives ILGPU's "cuda" import the driver found above.</summary>
    private static nint ResolveForIlgpu(Assembly assembly, string name) =>
        assembly == typeof(Context).Assembly && name.Contains("cuda", StringComparison.OrdinalIgnoreCase) ? Handle.Value : 0;
}
