using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Cli;

namespace GpuEngine.Tests.Backends;

/// <summary>--device choices: explicit, auto with its fallbacks and explanation, unknown names, the probe and the devices verb.</summary>
public class BackendFactoryTests
{
    private static (string, Func<Backend>) Missing(string name, string backend, string reason) =>
        (name, () => throw new BackendUnavailableException(backend, reason));

    [Fact]
    public void AutoFallsBackToCpuAndSaysWhy()
    {
        using var choice = BackendFactory.Choose("auto",
            [Missing("cuda", "CUDA", "libcuda.so.1 not found (install the NVIDIA driver)"), Missing("opencl", "OpenCL", "no OpenCL platform found"), ("cpu", () => new CpuBackend())]);
        Assert.IsType<CpuBackend>(choice.Backend);
        Assert.StartsWith("auto: chose cpu (CPU", choice.Explanation);
        Assert.Contains("cuda unavailable: libcuda.so.1 not found (install the NVIDIA driver); opencl unavailable: no OpenCL platform found", choice.Explanation);
    }

    [Fact]
    public void AutoTakesTheFirstThatStarts()
    {
        using var choice = BackendFactory.Choose("AUTO", [("cpu", () => new CpuBackend()), Missing("cuda", "CUDA", "never asked")]);
        Assert.Equal("auto: chose cpu (" + choice.Backend.DeviceDescription + ")", choice.Explanation);
    }

    [Fact]
    public void AutoOnThisMachineExplainsAMissingCudaDriver()
    {
        using var choice = BackendFactory.Choose("auto");
        Assert.StartsWith("auto: chose ", choice.Explanation);
        if (!CudaFactAttribute.DriverPresent)
        {
            Assert.NotEqual("cuda", choice.Backend.Name);
            Assert.Contains("cuda unavailable: libcuda.so.1 not found", choice.Explanation);
        }
    }

    [Fact]
    public void ExplicitUnavailableChoiceThrowsWithTheReason()
    {
        var e = Assert.ThrowsAny<GpuEngineException>(() => BackendFactory.Choose("opencl", [Missing("opencl", "OpenCL", "no OpenCL platform found")]));
        Assert.Equal("OpenCL is not available: no OpenCL platform found", e.Message);
    }

    [Fact]
    public void ExplicitCpuIsCreated()
    {
        using var backend = BackendFactory.Create("cpu");
        Assert.Equal("cpu", backend.Name);
    }

    [Fact]
    public void UnknownDeviceNamesTheChoices()
    {
        var e = Assert.Throws<GpuEngineException>(() => BackendFactory.Create("tpu"));
        Assert.Contains("'tpu'", e.Message);
        Assert.Contains("auto, cpu, opencl, cuda", e.Message);
    }

    [Fact]
    public void ProbeListsEveryBackendWithAReason()
    {
        var probe = BackendFactory.Probe();
        Assert.Equal(["cuda", "opencl", "cpu"], probe.Select(p => p.Name));
        Assert.True(probe.Single(p => p.Name == "cpu").Available);
        Assert.All(probe.Where(p => !p.Available), p => Assert.False(string.IsNullOrWhiteSpace(p.Reason)));
        Assert.All(probe.Where(p => p.Available), p => Assert.False(string.IsNullOrWhiteSpace(p.DeviceDescription)));
    }

    [Fact]
    public void DevicesVerbPrintsEachBackendAndTheAutoChoice()
    {
        var output = new StringWriter();
        int exit = CliApp.Run(["devices"], output, output);
        Assert.Equal(0, exit);
        string text = output.ToString();
        foreach (var name in new[] { "cuda", "opencl", "cpu" }) Assert.Contains(name, text);
        Assert.Contains("auto: chose ", text);
    }
}
