using System.Text.Json;

namespace GpuEngine.Tests.Cli;

public class CheckVerbTests
{
    /// <summary>The verb that proves kernels on a GPU machine, run here on every backend that opens (cpu against itself is a smoke test).</summary>
    [Theory]
    [MemberData(nameof(Kernels.InferenceSessionDevices.Names), MemberType = typeof(Kernels.InferenceSessionDevices))]
    public void EveryKernelCaseAgreesWithTheCpuBackend(string device)
    {
        var (exit, output, error) = Gpuengine.Run("check", "--device", device, "--kernels-only", "--format", "json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(0, doc.RootElement.GetProperty("failed").GetInt32());
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.True(cases.Count >= 18);
        Assert.All(cases, c => Assert.Equal("pass", c.GetProperty("status").GetString()));
    }
}
