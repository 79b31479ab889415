using GpuEngine.Backends;
using GpuEngine.Backends.Cuda;

namespace GpuEngine.Tests.Backends;

/// <summary>A [Fact] that needs a working CUDA device: skipped with the reason where there is none (CI has no GPU).</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    /// <summary>Why CUDA cannot run here, or null when it can.</summary>
    internal static readonly Lazy<string?> Unavailable = new(() =>
    {
        if (!DriverPresent) return "no CUDA driver (libcuda.so.1) on this machine";
        try
        {
            using var backend = new CudaBackend();
            return null;
        }
        catch (BackendUnavailableException e)
        {
            return e.Message;
        }
    });

    /// <summary>Whether libcuda.so.1 can be loaded at all.</summary>
    internal static bool DriverPresent => CudaNative.IsDriverPresent();

    public CudaFactAttribute()
    {
        if (Unavailable.Value is { } reason) Skip = reason;
    }
}

/// <summary>A [Fact] for the no-driver behaviour: skipped where libcuda.so.1 is installed.</summary>
public sealed class NoCudaDriverFactAttribute : FactAttribute
{
    public NoCudaDriverFactAttribute()
    {
        if (CudaFactAttribute.DriverPresent) Skip = "libcuda.so.1 is installed here; this checks the message on machines without it";
    }
}
