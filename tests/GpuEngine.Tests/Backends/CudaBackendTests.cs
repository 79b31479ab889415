using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Backends.Cuda;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// The cuda backend (ILGPU's CudaAccelerator) on a GPU machine — the shared ILGPU checks, skipped with the reason
/// elsewhere ("no CUDA driver") — and, where there is no driver, its one-line message through the factory and the CLI.
/// </summary>
public sealed class CudaBackendTests : IDisposable
{
    private readonly Lazy<CudaBackend> _backend = new(() => new CudaBackend());
    private CudaBackend Backend => _backend.Value;

    [NoCudaDriverFact]
    public void WithoutTheDriverCreatingCudaGivesAPlainMessage()
    {
        var e = Assert.Throws<BackendUnavailableException>(() => new CudaBackend());
        Assert.Equal("CUDA is not available: no CUDA driver (libcuda.so.1 not found); install the NVIDIA driver", e.Message);
        var viaFactory = Assert.Throws<BackendUnavailableException>(() => BackendFactory.Create("cuda"));
        Assert.Equal(e.Message, viaFactory.Message);
    }

    [NoCudaDriverFact]
    public void WithoutTheDriverTheCliSaysSoInOneLineAndExits2()
    {
        var (exit, _, error) = Gpuengine.Run("profile", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cuda", "--warmup", "0", "--runs", "1");
        Assert.Equal(2, exit);
        Assert.Equal("gpuengine: error: CUDA is not available: no CUDA driver (libcuda.so.1 not found); install the NVIDIA driver", error.Trim());
    }

    [CudaFact]
    public void DescribesTheDevice()
    {
        Assert.Equal("cuda", Backend.Name);
        Assert.Matches(@", sm_\d+, \d+ SMs, [\d.]+ GiB, CUDA driver \d+\.\d+", Backend.DeviceDescription);
    }

    [CudaFact]
    public void UploadAndDownloadRoundTripAtOffsets() => IlgpuBackendChecks.UploadAndDownloadRoundTripAtOffsets(Backend);

    [CudaTheory]
    [InlineData(1, 1)]
    [InlineData(64, 2)]
    [InlineData(100_000, 3)]
    public void SaxpyGroupSumMatchesFloat64(int n, int seed) => IlgpuBackendChecks.SaxpyGroupSumMatchesFloat64(Backend, n, seed);

    [CudaFact]
    public void SpecializedFactorAndParameterStruct() => IlgpuBackendChecks.SpecializedFactorAndParameterStruct(Backend);

    [CudaFact]
    public void EmptyViewsLaunch() => IlgpuBackendChecks.EmptyViewsLaunch(Backend);

    [CudaFact]
    public void CountingLaunchGivesTheHandComputedBytes() => IlgpuBackendChecks.CountingLaunchGivesTheHandComputedBytes(Backend);

    [CudaFact]
    public void EventsGiveANonNegativeTime() => IlgpuBackendChecks.EventsGiveANonNegativeTime(Backend, 1 << 22);

    [CudaFact]
    public void CompileErrorNamesTheKernel() => IlgpuBackendChecks.CompileErrorNamesTheKernel(Backend);

    [CudaFact]
    public void KernelWithoutIlgpuFormIsRefusedByName() => IlgpuBackendChecks.KernelWithoutIlgpuFormIsRefusedByName(Backend);

    [CudaFact]
    public void BadViewsAreArgumentErrors()
    {
        using var cpu = new CpuBackend();
        IlgpuBackendChecks.BadViewsAreArgumentErrors(Backend, cpu);
    }

    public void Dispose()
    {
        if (_backend.IsValueCreated) _backend.Value.Dispose();
    }
}
