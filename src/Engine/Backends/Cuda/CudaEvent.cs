namespace GpuEngine.Backends.Cuda;

/// <summary>A CUevent recorded on the default stream; Dispose destroys it.</summary>
internal sealed class CudaEvent(CudaBackend owner, nint handle) : DeviceEvent
{
    private nint _handle = handle;

    internal CudaBackend Owner { get; } = owner;

    internal nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(CudaEvent));

    public override void Dispose()
    {
        if (_handle == 0) return;
        Owner.TryMakeCurrent();
        CudaNative.cuEventDestroy_v2(_handle);
        _handle = 0;
    }
}
