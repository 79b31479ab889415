namespace GpuEngine.Backends.OpenCl;

/// <summary>A cl_mem owned by the <see cref="OpenClBackend"/> that allocated it; Dispose releases it.</summary>
public sealed class OpenClBuffer : DeviceBuffer
{
    private nint _handle;

    internal OpenClBuffer(OpenClBackend owner, nint handle, long bytes) : base(bytes)
    {
        Owner = owner;
        _handle = handle;
    }

    internal OpenClBackend Owner { get; }

    /// <summary>The cl_mem handle; throws once disposed, so a stale buffer never reaches a kernel.</summary>
    internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(OpenClBuffer));

    public override void Dispose()
    {
        if (_handle == 0) return;
        OpenClNative.clReleaseMemObject(_handle);
        _handle = 0;
    }
}
