using GpuEngine.Backends.Cuda;

namespace GpuEngine.Tests.Backends;

/// <summary>The CUDA compiler's decisions that need no GPU: options, target architecture, cache directory.</summary>
public class CudaCompilerTests
{
    [Fact]
    public void OptionsCarryArchitectureDefaultDeviceAndDefines()
    {
        var options = CudaCompiler.Options("sm_90", ["factor=3", "bias=(-2)"]);
        Assert.Equal(["--gpu-architecture=sm_90", "-default-device", "--define-macro=factor=3", "--define-macro=bias=(-2)"], options);
    }

    [Fact]
    public void TargetIsCubinForASupportedArchitecture() =>
        Assert.Equal(("sm_90", true), CudaCompiler.Target(90, [75, 80, 86, 89, 90], hasCubin: true));

    [Fact]
    public void TargetFallsBackToPtxOfTheNewestOlderArchitecture() =>
        Assert.Equal(("compute_90", false), CudaCompiler.Target(100, [75, 80, 90], hasCubin: true));

    [Fact]
    public void TargetWithoutArchitectureListTrustsTheDevice() =>
        Assert.Equal(("compute_86", false), CudaCompiler.Target(86, null, hasCubin: false));

    [Fact]
    public void TargetOlderThanEverySupportedArchitectureIsAnError() =>
        Assert.Throws<CudaException>(() => CudaCompiler.Target(52, [75, 80], hasCubin: true));

    [Fact]
    public void CacheDirectoryPrefersTheOverrideThenXdgThenHome()
    {
        Assert.Equal("/x/cache", CudaCompiler.CacheDirectory(n => n == "GPUENGINE_CACHE_DIR" ? "/x/cache" : "/xdg", "/home/u"));
        Assert.Equal(Path.Combine("/xdg", "gpuengine"), CudaCompiler.CacheDirectory(n => n == "XDG_CACHE_HOME" ? "/xdg" : null, "/home/u"));
        Assert.Equal(Path.Combine("/home/u", ".cache", "gpuengine"), CudaCompiler.CacheDirectory(_ => null, "/home/u"));
    }
}
