using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Backends.IlgpuCpu;

namespace GpuEngine.Tests.Backends;

/// <summary>ILGPU's CPUAccelerator as the ilgpu-cpu backend: the shared ILGPU checks, always run (no device needed).</summary>
public sealed class IlgpuCpuBackendTests : IDisposable
{
    private readonly IlgpuCpuBackend _backend = new();

    [Fact]
    public void NamesAndDescribesItself()
    {
        Assert.Equal("ilgpu-cpu", _backend.Name);
        Assert.Contains("ILGPU CPUAccelerator", _backend.DeviceDescription);
        Assert.Contains("256 threads per group", _backend.DeviceDescription);
    }

    [Fact]
    public void UploadAndDownloadRoundTripAtOffsets() => IlgpuBackendChecks.UploadAndDownloadRoundTripAtOffsets(_backend);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(64, 2)]
    [InlineData(1000, 3)]
    public void SaxpyGroupSumMatchesFloat64(int n, int seed) => IlgpuBackendChecks.SaxpyGroupSumMatchesFloat64(_backend, n, seed);

    [Fact]
    public void SpecializedFactorAndParameterStruct() => IlgpuBackendChecks.SpecializedFactorAndParameterStruct(_backend);

    [Fact]
    public void EmptyViewsLaunch() => IlgpuBackendChecks.EmptyViewsLaunch(_backend);

    [Fact]
    public void CountingLaunchGivesTheHandComputedBytes() => IlgpuBackendChecks.CountingLaunchGivesTheHandComputedBytes(_backend);

    [Fact]
    public void EventsGiveANonNegativeTime() => IlgpuBackendChecks.EventsGiveANonNegativeTime(_backend, 4096);

    [Fact]
    public void CompileErrorNamesTheKernel() => IlgpuBackendChecks.CompileErrorNamesTheKernel(_backend);

    [Fact]
    public void KernelWithoutIlgpuFormIsRefusedByName() => IlgpuBackendChecks.KernelWithoutIlgpuFormIsRefusedByName(_backend);

    [Fact]
    public void BadViewsAreArgumentErrors()
    {
        using var cpu = new CpuBackend();
        IlgpuBackendChecks.BadViewsAreArgumentErrors(_backend, cpu);
    }

    [Fact]
    public void ExplicitChoiceThroughTheFactory()
    {
        using var choice = BackendFactory.Choose("ilgpu-cpu");
        Assert.IsType<IlgpuCpuBackend>(choice.Backend);
        Assert.StartsWith("ilgpu-cpu: requested (ILGPU CPUAccelerator", choice.Explanation);
    }

    [Fact]
    public void BuffersDisposedAfterTheBackendDoNotThrow()
    {
        var backend = new IlgpuCpuBackend();
        var buffer = backend.Allocate(64);
        var marker = backend.RecordEvent();
        backend.Dispose();
        buffer.Dispose();
        marker.Dispose();
    }

    public void Dispose() => _backend.Dispose();
}
