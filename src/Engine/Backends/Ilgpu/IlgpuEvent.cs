using ILGPU.Runtime;

namespace GpuEngine.Backends.Ilgpu;

/// <summary>An ILGPU profiling marker in an <see cref="IlgpuBackend"/>'s stream (a CUDA event on cuda); Dispose releases it.</summary>
internal sealed class IlgpuEvent(IlgpuBackend owner, ProfilingMarker marker) : DeviceEvent
{
    private ProfilingMarker? _marker = marker;

    internal IlgpuBackend Owner { get; } = owner;

    internal ProfilingMarker Marker => _marker ?? throw new ObjectDisposedException(nameof(IlgpuEvent));

    public override void Dispose()
    {
        if (_marker is null) return;
        Owner.Free(_marker);
        _marker = null;
    }
}
