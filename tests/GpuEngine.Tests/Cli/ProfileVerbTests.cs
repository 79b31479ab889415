using System.Text.Json;

namespace GpuEngine.Tests.Cli;

public class ProfileVerbTests
{
    private static readonly string[] Small = ["profile", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--warmup", "0", "--runs", "1"];

    [Fact]
    public void TraceIsJsonWithOneCompleteEventPerKernel()
    {
        var (exit, output, error) = Gpuengine.Run([.. Small, "--format", "trace"]);
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var kernels = doc.RootElement.GetProperty("traceEvents").EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "X").ToList();
        var (_, csv, _) = Gpuengine.Run([.. Small, "--format", "csv", "--include", "name,kernel"]);
        Assert.Equal(csv.Trim().Split('\n').Length - 1, kernels.Count);
        Assert.All(kernels, k => Assert.True(k.GetProperty("dur").GetDouble() >= 0));
    }

    [Fact]
    public void MarkdownStatesConventionsDeviceAndBothRuns()
    {
        var (exit, output, error) = Gpuengine.Run([.. Small, "--format", "md", "--report", "root"]);
        Assert.True(exit == 0, error);
        Assert.Contains("1 macc = 2 flops", output);
        Assert.Contains("1 KiB = 1024 bytes", output);
        Assert.Contains("- device: cpu", output);
        Assert.Contains("end_to_end_median_ms", output);
        Assert.Contains("per_kernel_run_median_ms", output);
    }

    [Fact]
    public void SaveNeverOverwritesUnasked()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"gpuengine-profile-{Guid.NewGuid():N}");
        try
        {
            var (exit, _, error) = Gpuengine.Run([.. Small, "--format", "csv", "--save", directory]);
            Assert.True(exit == 0, error);
            var files = Directory.GetFiles(directory).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(["profile-tape.csv", "profile-tape.json", "profile-tape.md", "trace.json"], files);
            var csv = Path.Combine(directory, "profile-tape.csv");
            File.WriteAllText(csv, "mine");

            (exit, _, error) = Gpuengine.Run([.. Small, "--save", directory]);
            Assert.Equal(1, exit);
            Assert.Contains("--force", error);
            Assert.Equal("mine", File.ReadAllText(csv));

            (exit, _, error) = Gpuengine.Run([.. Small, "--save", directory, "--force"]);
            Assert.True(exit == 0, error);
            Assert.StartsWith("name,type,kernel", File.ReadAllText(csv));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Int8SaysItIsNotAvailableYet()
    {
        var (exit, _, error) = Gpuengine.Run([.. Small, "--precision", "int8"]);
        Assert.Equal(1, exit);
        Assert.Contains("int8", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void ZooOverviewHasOneRowPerModel()
    {
        var (exit, output, error) = Gpuengine.Run("profile", "--zoo", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--warmup", "0", "--runs", "1", "--format", "json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var model = Assert.Single(doc.RootElement.GetProperty("models").EnumerateArray());
        Assert.Equal("repvgg-n1", model.GetProperty("name").GetString());
        Assert.True(model.GetProperty("gflops").GetDouble() > 0);
    }

    [Fact]
    public void ModelIsStillRequiredWithoutZoo()
    {
        var (exit, _, error) = Gpuengine.Run("profile", "--device", "cpu");
        Assert.Equal(1, exit);
        Assert.Contains("--model is required", error);
    }
}
