namespace GpuEngine.Backends.OpenCl;

/// <summary>A marker cl_event in the backend's profiling queue; its START/END timestamps time the work between markers.</summary>
internal sealed class OpenClEvent(OpenClBackend owner, nint handle) : DeviceEvent
{
    private nint _handle = handle;

    internal OpenClBackend Owner { get; } = owner;

    internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(OpenClEvent));

    public override void Dispose()
    {
        if (_handle == 0) return;
        OpenClNative.clReleaseEvent(_handle);
        _handle = 0;
    }
}
