using System.Text.Json;

namespace GpuEngine.Tests.Cli;

public class ProfileVerbTests
{
    private static readonly string[] Small = ["profile", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--warmup", "1", "--runs", "1"];

    [Fact]
    public void TraceIsOnnxRuntimeProfileJsonWithOneKernelEventPerLaunch()
    {
        var (exit, output, error) = Gpuengine.Run([.. Small, "--format", "trace"]);
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var events = doc.RootElement.EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "X").ToList();
        var kernels = events.Where(e => e.GetProperty("cat").GetString() == "Kernel").ToList();
        var (_, csv, _) = Gpuengine.Run([.. Small, "--format", "csv", "--include", "name,kernel"]);
        Assert.Equal(csv.Trim().Split('\n').Length - 1, kernels.Count);
        Assert.All(kernels, k => Assert.True(k.GetProperty("dur").GetDouble() >= 0));
        // ONNX Runtime's node events: NAME_kernel_time with the op, provider, shapes and sizes in bytes.
        var conv = events.First(e => e.GetProperty("cat").GetString() == "Node" && e.GetProperty("args").GetProperty("op_name").GetString() == "Conv2d");
        Assert.EndsWith("_kernel_time", conv.GetProperty("name").GetString());
        var args = conv.GetProperty("args");
        Assert.Equal("GpuEngine:cpu", args.GetProperty("provider").GetString());
        var input = args.GetProperty("input_type_shape")[0].GetProperty("float").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        Assert.Equal(input.Aggregate(4L, (a, b) => a * b), long.Parse(args.GetProperty("activation_size").GetString()!));
        var weight = args.GetProperty("input_type_shape")[1].GetProperty("float").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        Assert.True(long.Parse(args.GetProperty("parameter_size").GetString()!) >= weight.Aggregate(4L, (a, b) => a * b));
        Assert.Single(events, e => e.GetProperty("cat").GetString() == "Session");
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
            Assert.Equal(["layers.png", "profile-tape.csv", "profile-tape.json", "profile-tape.md", "trace.json"], files);
            var csv = Path.Combine(directory, "profile-tape.csv");
            File.WriteAllText(csv, "mine");

            (exit, _, error) = Gpuengine.Run([.. Small, "--save", directory]);
            Assert.Equal(2, exit);
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

    /// <summary>On-the-fly calibration (one input), both modes, every report type: exit 0, JSON that parses, the int8 facts.</summary>
    [Theory]
    [InlineData("fused", "tape")]
    [InlineData("fused", "node")]
    [InlineData("addsum", "leaves")]
    [InlineData("addsum", "root")]
    public void Int8ProfileExitsZeroAndItsJsonParses(string mode, string report)
    {
        var (exit, output, error) = Gpuengine.Run([.. Small, "--precision", "int8", "--mode", mode, "--calib", "1", "--report", report, "--format", "json"]);
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("int8", root.GetProperty("precision").GetString());
        Assert.Equal(mode, root.GetProperty("mode").GetString());
        Assert.Contains($"int8 {mode}", root.GetProperty("title").GetString());
        Assert.NotEmpty(root.GetProperty("rows").EnumerateArray());
        Assert.True(root.GetProperty("totals").GetProperty("mem_rw").GetInt64() > 0);
    }

    /// <summary>A quantized file, addsum mode, MSE calibration, --save and the trace: every file, one trace event per launch.</summary>
    [Fact]
    public void Int8ProfileOfAQuantizedFileSavesEveryFormat()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"gpuengine-profile-int8-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var model = Path.Combine(directory, "n1.safetensors");
            var (exit, _, error) = Gpuengine.Run("quantize", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--calib", "1",
                "--calib-method", "mse", "--out", model);
            Assert.True(exit == 0, error);
            string[] int8 = [.. Small, "--precision", "int8", "--quantized", model, "--mode", "addsum"];
            var saved = Path.Combine(directory, "saved");
            (exit, var table, error) = Gpuengine.Run([.. int8, "--save", saved]);
            Assert.True(exit == 0, error);
            Assert.Contains("Quantize", table);
            Assert.Equal(["layers.png", "profile-tape.csv", "profile-tape.json", "profile-tape.md", "trace.json"], Directory.GetFiles(saved).Select(Path.GetFileName).Order());
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(saved, "profile-tape.json")));
            Assert.Contains("MSE", json.RootElement.GetProperty("calibration").GetString());
            int launches = json.RootElement.GetProperty("kernel_launches").GetInt32();
            var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(launches, rows.Count);
            Assert.Equal(["Quantize", "Dequantize"], new[] { rows[0], rows[^1] }.Select(r => r.GetProperty("type").GetString()));
            using var trace = JsonDocument.Parse(File.ReadAllText(Path.Combine(saved, "trace.json")));
            Assert.Equal(launches, trace.RootElement.EnumerateArray().Count(e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("cat").GetString() == "Kernel"));
            foreach (var format in new[] { "csv", "md", "svg" })
            {
                (exit, var output, error) = Gpuengine.Run([.. int8, "--report", "node", "--format", format]);
                Assert.True(exit == 0, $"{format}: {error}");
                Assert.NotEmpty(output);
            }

            (exit, _, error) = Gpuengine.Run([.. int8, "--calib-method", "mse"]);
            Assert.Equal(2, exit);
            Assert.Contains("calibrated already", error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ZooRefusesInt8AndCalibrationNeedsInt8()
    {
        var (exit, _, error) = Gpuengine.Run("profile", "--zoo", "--model", "repvgg-n1", "--precision", "int8", "--device", "cpu");
        Assert.Equal(2, exit);
        Assert.Contains("--zoo", error);
        Assert.Single(error.Trim().Split('\n'));
        (exit, _, error) = Gpuengine.Run([.. Small, "--calib-method", "mse"]);
        Assert.Equal(2, exit);
        Assert.Contains("--precision int8", error);
    }

    [Fact]
    public void ZooOverviewHasOneRowPerModel()
    {
        var (exit, output, error) = Gpuengine.Run("profile", "--zoo", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--warmup", "1", "--runs", "1", "--format", "json");
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
        Assert.Equal(2, exit);
        Assert.Contains("--model is required", error);
    }
}
