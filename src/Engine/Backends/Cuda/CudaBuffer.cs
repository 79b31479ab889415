namespace GpuEngine.Backends.Cuda;

/// <summary>Device memory (a CUdeviceptr) owned by the <see cref="CudaBackend"/> that allocated it; Dispose frees it.</summary>
public sealed class CudaBuffer : DeviceBuffer
{
    private ulong _pointer;

    internal CudaBuffer(CudaBackend owner, ulong pointer, long bytes) : base(bytes)
    {
        Owner = owner;
        _pointer = pointer;
    }

    internal CudaBackend Owner { get; }

    /// <summary>The device address; throws once disposed, so a freed pointer never reaches a kernel.</summary>
    internal ulong Pointer => _pointer != 0 ? _pointer : throw new ObjectDisposedException(nameof(CudaBuffer));

    public override void Dispose()
    {
        if (_pointer == 0) return;
        Owner.Free(_pointer);
        _pointer = 0;
    }
}
