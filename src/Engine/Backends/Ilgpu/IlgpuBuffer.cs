using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Backends.Ilgpu;

/// <summary>One device allocation of an <see cref="IlgpuBackend"/> (ILGPU memory of bytes); Dispose frees it.</summary>
public sealed class IlgpuBuffer : DeviceBuffer
{
    private MemoryBuffer1D<byte, Stride1D.Dense>? _memory;

    internal IlgpuBuffer(IlgpuBackend owner, MemoryBuffer1D<byte, Stride1D.Dense> memory) : base(memory.Length)
    {
        Owner = owner;
        _memory = memory;
    }

    internal IlgpuBackend Owner { get; }

    /// <summary>The whole allocation as bytes; throws once disposed, so freed memory never reaches a kernel.</summary>
    internal ArrayView<byte> View => (_memory ?? throw new ObjectDisposedException(nameof(IlgpuBuffer))).AsContiguous();

    public override void Dispose()
    {
        if (_memory is null) return;
        Owner.Free(_memory);
        _memory = null;
    }
}
