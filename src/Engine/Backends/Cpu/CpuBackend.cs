using GpuEngine.Kernels;

namespace GpuEngine.Backends.Cpu;

/// <summary>Runs the C# kernel methods themselves over the launch grid (placeholder until the kernel compiler lands).</summary>
public sealed class CpuBackend : Backend
{
    public override string Name => "cpu";
    public override string DeviceDescription => $"CPU, {Environment.ProcessorCount} threads";
    protected override DeviceBuffer AllocateCore(long bytes) => throw new NotImplementedException();
    protected override void UploadCore(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source) => throw new NotImplementedException();
    protected override void DownloadCore(DeviceBuffer source, long byteOffset, Span<byte> destination) => throw new NotImplementedException();
    protected override void LaunchCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments) => throw new NotImplementedException();
    protected override DeviceEvent RecordEventCore() => throw new NotImplementedException();
    protected override double ElapsedMillisecondsCore(DeviceEvent start, DeviceEvent end) => throw new NotImplementedException();
    protected override void SynchronizeCore() => throw new NotImplementedException();
}
