using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Backends.Cuda;
using GpuEngine.Backends.Ilgpu;
using GpuEngine.Backends.IlgpuCpu;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// The two ILGPU backends, ilgpu-cpu (ILGPU's CPUAccelerator, always present) and cuda (its CudaAccelerator, on a GPU
/// machine), through the same checks: each case runs once per device and is skipped, with the device's reason
/// ("CUDA is not available: no CUDA driver …"), where that device does not open.
/// </summary>
public sealed class IlgpuBackendTests : IDisposable
{
    private IlgpuBackend? _backend;

    /// <summary>The devices every case runs on.</summary>
    public static TheoryData<string> Devices => ["ilgpu-cpu", "cuda"];

    /// <summary>Opens <paramref name="device"/> for this case, or skips the case where it does not open.</summary>
    private IlgpuBackend Open(string device)
    {
        DeviceAvailability.Require(device);
        return _backend = device == "cuda" ? new CudaBackend() : new IlgpuCpuBackend();
    }

    [Theory, MemberData(nameof(Devices))]
    public void NamesAndDescribesItself(string device)
    {
        var backend = Open(device);
        Assert.Equal(device, backend.Name);
        if (device == "cuda") Assert.Matches(@", sm_\d+, \d+ SMs, [\d.]+ GiB, CUDA driver \d+\.\d+", backend.DeviceDescription);
        else
        {
            Assert.Contains("ILGPU CPUAccelerator", backend.DeviceDescription);
            Assert.Contains("256 threads per group", backend.DeviceDescription);
        }
    }

    [Theory, MemberData(nameof(Devices))]
    public void UploadAndDownloadRoundTripAtOffsets(string device) => IlgpuBackendChecks.UploadAndDownloadRoundTripAtOffsets(Open(device));

    [Theory]
    [InlineData("ilgpu-cpu", 1, 1)]
    [InlineData("ilgpu-cpu", 64, 2)]
    [InlineData("ilgpu-cpu", 1000, 3)]
    [InlineData("cuda", 1, 1)]
    [InlineData("cuda", 64, 2)]
    [InlineData("cuda", 100_000, 3)]
    public void SaxpyGroupSumMatchesFloat64(string device, int n, int seed) => IlgpuBackendChecks.SaxpyGroupSumMatchesFloat64(Open(device), n, seed);

    [Theory, MemberData(nameof(Devices))]
    public void SpecializedFactorAndParameterStruct(string device) => IlgpuBackendChecks.SpecializedFactorAndParameterStruct(Open(device));

    [Theory, MemberData(nameof(Devices))]
    public void EmptyViewsLaunch(string device) => IlgpuBackendChecks.EmptyViewsLaunch(Open(device));

    [Theory, MemberData(nameof(Devices))]
    public void CountingLaunchGivesTheHandComputedBytes(string device) => IlgpuBackendChecks.CountingLaunchGivesTheHandComputedBytes(Open(device));

    [Theory, MemberData(nameof(Devices))]
    public void EventsGiveANonNegativeTime(string device) =>
        IlgpuBackendChecks.EventsGiveANonNegativeTime(Open(device), device == "cuda" ? 1 << 22 : 4096); // ilgpu-cpu is slow: a small one

    [Theory, MemberData(nameof(Devices))]
    public void CompileErrorNamesTheKernel(string device) => IlgpuBackendChecks.CompileErrorNamesTheKernel(Open(device));

    [Theory, MemberData(nameof(Devices))]
    public void KernelWithoutIlgpuFormIsRefusedByName(string device) => IlgpuBackendChecks.KernelWithoutIlgpuFormIsRefusedByName(Open(device));

    [Theory, MemberData(nameof(Devices))]
    public void BadViewsAreArgumentErrors(string device)
    {
        using var cpu = new CpuBackend();
        IlgpuBackendChecks.BadViewsAreArgumentErrors(Open(device), cpu);
    }

    [Fact]
    public void ExplicitChoiceOfIlgpuCpuThroughTheFactory()
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

    [Fact]
    public void WithoutTheCudaDriverCreatingCudaGivesAPlainMessage()
    {
        DeviceAvailability.RequireNoCudaDriver();
        var e = Assert.Throws<BackendUnavailableException>(() => new CudaBackend());
        Assert.Equal("CUDA is not available: no CUDA driver (libcuda.so.1 not found); install the NVIDIA driver", e.Message);
        var viaFactory = Assert.Throws<BackendUnavailableException>(() => BackendFactory.Create("cuda"));
        Assert.Equal(e.Message, viaFactory.Message);
    }

    [Fact]
    public void WithoutTheCudaDriverTheCliSaysSoInOneLineAndExits2()
    {
        DeviceAvailability.RequireNoCudaDriver();
        var (exit, _, error) = Gpuengine.Run("profile", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cuda", "--warmup", "0", "--runs", "1");
        Assert.Equal(2, exit);
        Assert.Equal("gpuengine: error: CUDA is not available: no CUDA driver (libcuda.so.1 not found); install the NVIDIA driver", error.Trim());
    }

    public void Dispose() => _backend?.Dispose();
}
