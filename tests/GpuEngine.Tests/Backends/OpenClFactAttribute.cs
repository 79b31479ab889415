using GpuEngine.Backends;
using GpuEngine.Backends.OpenCl;

namespace GpuEngine.Tests.Backends;

/// <summary>A [Fact] that is skipped, with the reason, where no OpenCL platform or device exists.</summary>
public sealed class OpenClFactAttribute : FactAttribute
{
    /// <summary>Why OpenCL cannot open here, or null.</summary>
    internal static readonly Lazy<string?> Unavailable = new(() =>
    {
        try
        {
            using var backend = new OpenClBackend();
            return null;
        }
        catch (BackendUnavailableException e)
        {
            return e.Message;
        }
    });

    public OpenClFactAttribute()
    {
        if (Unavailable.Value is { } reason) Skip = reason;
    }
}
