using System.Text.Json;
using GpuEngine.Quantization;

namespace GpuEngine.Tests.Cli;

public class QuantizeVerbTests
{
    [Fact]
    public void QuantizeWritesTheModelAndReportAndNeverOverwritesUnasked()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"gpuengine-quantize-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var file = Path.Combine(dir, "n1.safetensors");
            var report = Path.Combine(dir, "n1.json");
            string[] common = ["--model", "repvgg-n1", "--input", "1x3x32x32", "--classes", "10", "--device", "cpu", "--calib", "2"];
            var (exit, _, error) = Gpuengine.Run(["quantize", .. common, "--out", file, "--report", "--eval", "2", "--format", "json", "--output", report]);
            Assert.True(exit == 0, error);
            Assert.NotEmpty(QuantizedModel.Load(file).Layers);
            using (var json = JsonDocument.Parse(File.ReadAllText(report)))
            {
                var text = json.RootElement.GetRawText();
                Assert.Contains("cosine_min", text);
                Assert.Contains("sqnr_db", text);
            }

            var before = File.ReadAllBytes(file);
            (exit, _, error) = Gpuengine.Run(["quantize", .. common, "--out", file]);
            Assert.Equal(2, exit);
            Assert.Contains("--force", error);
            Assert.Equal(before, File.ReadAllBytes(file));

            (exit, var output, error) = Gpuengine.Run(["run", .. common[..8], "--precision", "int8", "--quantized", file, "--runs", "0"]);
            Assert.True(exit == 0, error);
            Assert.Contains("int8 (fused)", output);
            Assert.Contains("top-5 [0]", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
