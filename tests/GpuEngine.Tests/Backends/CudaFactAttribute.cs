using GpuEngine.Backends;
using GpuEngine.Backends.Cuda;

namespace GpuEngine.Tests.Backends;

/// <summary>A [Fact] that needs a working CUDA device: skipped with the reason where there is none (CI has no GPU).</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    /// <summary>Why CUDA cannot run here ("CUDA is not available: no CUDA driver …"), or null when it can.</summary>
    internal static readonly Lazy<string?> Unavailable = new(() =>
    {
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

    /// <summary>Whether the CUDA driver library loads at all.</summary>
    internal static bool DriverPresent => CudaDriver.IsPresent();

    public CudaFactAttribute()
    {
        if (Unavailable.Value is { } reason) Skip = reason;
    }
}

/// <summary>A [Theory] that needs a working CUDA device, skipped like <see cref="CudaFactAttribute"/>.</summary>
public sealed class CudaTheoryAttribute : TheoryAttribute
{
    public CudaTheoryAttribute()
    {
        if (CudaFactAttribute.Unavailable.Value is { } reason) Skip = reason;
    }
}

/// <summary>A [Fact] for the no-driver behaviour: skipped where the CUDA driver is installed.</summary>
public sealed class NoCudaDriverFactAttribute : FactAttribute
{
    public NoCudaDriverFactAttribute()
    {
        if (CudaFactAttribute.DriverPresent) Skip = "the CUDA driver is installed here; this checks the message on machines without it";
    }
}
