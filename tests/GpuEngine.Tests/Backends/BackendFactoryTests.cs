using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Backends.OpenCl;
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
            [Missing("cuda", "CUDA", "no CUDA driver (libcuda.so.1 not found); install the NVIDIA driver"), Missing("opencl", "OpenCL", "no OpenCL platform found"),
             ("cpu", () => new CpuBackend()), ("ilgpu-cpu", () => throw new InvalidOperationException("auto must not try ilgpu-cpu"))]);
        Assert.IsType<CpuBackend>(choice.Backend);
        Assert.Equal($"auto: chose cpu ({choice.Backend.DeviceDescription}) — cuda unavailable: no CUDA driver (libcuda.so.1 not found); " +
            "install the NVIDIA driver; opencl unavailable: no OpenCL platform found", choice.Explanation);
        Assert.DoesNotContain('\n', choice.Explanation);
    }

    [Fact]
    public void AutoNeverTakesIlgpuCpuEvenWhenNothingElseStarts()
    {
        var e = Assert.Throws<GpuEngineException>(() => BackendFactory.Choose("auto",
            [Missing("cpu", "CPU", "imagined away"), ("ilgpu-cpu", () => new GpuEngine.Backends.IlgpuCpu.IlgpuCpuBackend())]));
        Assert.Equal("auto: no backend could start — cpu unavailable: imagined away", e.Message);
    }

    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("ilgpu-cpu", "ilgpu-cpu")]
    [InlineData(" ILGPU-CPU ", "ilgpu-cpu")]
    public void ExplicitHostBackendsAreCreated(string device, string name)
    {
        using var backend = BackendFactory.Create(device);
        Assert.Equal(name, backend.Name);
    }

    [Fact]
    public void EveryDeviceNameHasABackend()
    {
        Assert.Equal(["auto", "cpu", "ilgpu-cpu", "opencl", "cuda"], BackendFactory.DeviceNames);
        Assert.Equal(BackendFactory.DeviceNames.Skip(1).Order(), BackendFactory.Preference.Select(p => p.Name).Order());
    }

    [Fact]
    public void AutoTakesTheFirstThatStarts()
    {
        using var choice = BackendFactory.Choose("AUTO", [("cpu", () => new CpuBackend()), Missing("cuda", "CUDA", "never asked")]);
        Assert.Equal("auto: chose cpu (" + choice.Backend.DeviceDescription + ")", choice.Explanation);
    }

    [Fact]
    public void AutoPassesOverAnOpenClCpuDeviceForTheCpuDevice()
    {
        RequireOpenClCpuDevice();
        using var choice = BackendFactory.Choose("auto",
            [Missing("cuda", "CUDA", "no CUDA driver"), ("opencl", () => new OpenClBackend()), ("cpu", () => new CpuBackend())]);
        Assert.IsType<CpuBackend>(choice.Backend);
        Assert.StartsWith($"auto: chose cpu ({choice.Backend.DeviceDescription}) — cuda unavailable: no CUDA driver; " +
            "opencl passed over: its device is this machine's CPU (", choice.Explanation);
        Assert.EndsWith("), which the cpu device runs faster", choice.Explanation);
    }

    [Fact]
    public void AutoTakesAnOpenClCpuDeviceWhenTheCpuDeviceCannotStart()
    {
        RequireOpenClCpuDevice();
        using var choice = BackendFactory.Choose("auto", [("opencl", () => new OpenClBackend()), Missing("cpu", "CPU", "imagined away")]);
        Assert.IsType<OpenClBackend>(choice.Backend);
        Assert.Equal($"auto: chose opencl ({choice.Backend.DeviceDescription}) — cpu unavailable: imagined away", choice.Explanation);
    }

    private static void RequireOpenClCpuDevice()
    {
        DeviceAvailability.Require("opencl");
        using var opencl = new OpenClBackend();
        if (!opencl.IsHostCpu) Assert.Skip($"the OpenCL device is not a CPU: {opencl.DeviceDescription}");
    }

    [Fact]
    public void AutoOnThisMachineExplainsAMissingCudaDriver()
    {
        using var choice = BackendFactory.Choose("auto");
        Assert.StartsWith("auto: chose ", choice.Explanation);
        Assert.NotEqual("ilgpu-cpu", choice.Backend.Name);
        if (!DeviceAvailability.CudaDriverPresent)
        {
            Assert.NotEqual("cuda", choice.Backend.Name);
            Assert.Contains("cuda unavailable: no CUDA driver (libcuda.so.1 not found); install the NVIDIA driver", choice.Explanation);
        }
    }

    [Fact]
    public void ExplicitUnavailableChoiceThrowsWithTheReason()
    {
        var e = Assert.ThrowsAny<GpuEngineException>(() => BackendFactory.Choose("opencl", [Missing("opencl", "OpenCL", "no OpenCL platform found")]));
        Assert.Equal("OpenCL is not available: no OpenCL platform found", e.Message);
    }

    [Fact]
    public void UnknownDeviceNamesTheChoices()
    {
        var e = Assert.Throws<UnknownDeviceException>(() => BackendFactory.Create("tpu"));
        Assert.Equal("unknown device 'tpu': expected one of auto, cpu, ilgpu-cpu, opencl, cuda", e.Message);
    }

    [Fact]
    public void UnknownDeviceOnTheCommandLineIsOneLineAndExit2()
    {
        var (exit, _, error) = Gpuengine.Run("profile", "--model", "repvgg-n1", "--device", "tpu");
        Assert.Equal(2, exit);
        Assert.Equal("gpuengine: error: --device 'tpu' is not one of auto, cpu, ilgpu-cpu, opencl or cuda", error.Trim());
    }

    [Fact]
    public void DeviceHelpListsEveryDeviceName()
    {
        Assert.Equal(BackendFactory.DeviceNamesText, DeviceOption.Help[..BackendFactory.DeviceNamesText.Length]);
        foreach (var verb in new[] { "profile", "check", "run" })
        {
            var (_, _, help) = Gpuengine.Run(verb, "--help");
            if (help.Contains("--device")) Assert.Contains("auto, cpu, ilgpu-cpu, opencl or cuda", help);
        }
    }

    [Fact]
    public void ProbeListsEveryBackendWithAReason()
    {
        var probe = BackendFactory.Probe();
        Assert.Equal(["cpu", "ilgpu-cpu", "opencl", "cuda"], probe.Select(p => p.Name));
        Assert.True(probe.Single(p => p.Name == "cpu").Available);
        Assert.True(probe.Single(p => p.Name == "ilgpu-cpu").Available);
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
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        string[] names = ["cpu", "ilgpu-cpu", "opencl", "cuda"];
        for (int i = 0; i < names.Length; i++) Assert.Matches($"^{names[i]} +(available|unavailable) ", lines[i]);
        Assert.Matches("^ilgpu-cpu +available +ILGPU CPUAccelerator", lines[1]);
        if (!DeviceAvailability.CudaDriverPresent) Assert.Matches("^cuda +unavailable +no CUDA driver", lines[3]);
        Assert.StartsWith("auto: chose ", lines[4]);
    }
}
