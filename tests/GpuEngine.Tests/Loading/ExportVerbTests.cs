using System.Security.Cryptography;
using GpuEngine.Cli;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;

namespace GpuEngine.Tests.Loading;

public class ExportVerbTests
{
    /// <summary>SHA-256 of weights/repvgg-n1-train.safetensors as weights/README.md says to make it; pins WeightInitializer's draws.</summary>
    private const string SampleSha256 = "70281406824cb2e62fc574d25a748e95f0e16b97d4385adf0fff80c9708e5fc8";

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = CliApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Export_writes_onnx_refuses_to_overwrite_and_forces()
    {
        using var dir = new TempDir();
        string path = dir.File("n1.onnx");
        var (code, stdout, _) = Cli("export", "--model", "repvgg-n1-train", "--input", "1x3x32x32", "--classes", "5", "--out", path);
        Assert.Equal(0, code);
        Assert.Contains("wrote", stdout);
        var g = OnnxFile.Load(path);
        Assert.Equal(new TensorShape(1, 5), g.Tensor(g.Outputs[0]).Shape);
        var again = Cli("export", "--model", "repvgg-n1-train", "--out", path);
        Assert.Equal(CliApp.ExitError, again.Code);
        Assert.Contains("already exists", again.Err);
        Assert.Equal(0, Cli("export", "--model", path, "--out", path, "--force").Code);
    }

    [Fact]
    public void Export_writes_timm_names_that_load_back()
    {
        using var dir = new TempDir();
        string path = dir.File("w.safetensors");
        Assert.Equal(0, Cli("export", "--model", "repvgg-a0", "--input", "1x3x32x32", "--seed", "3", "--names", "timm", "--out", path).Code);
        Assert.Contains(SafetensorsFile.Read(path), kv => kv.Key == "stages.2.13.reparam_conv.weight");
        string onnx = dir.File("m.onnx");
        Assert.Equal(0, Cli("export", "--model", "repvgg-a0", "--input", "1x3x32x32", "--weights", path, "--out", onnx).Code);
        var direct = WeightInitializer.Initialize(ModelLoader.Load("repvgg-a0", new TensorShape(1, 3, 32, 32)), 3);
        TestData.AssertSameWeights(direct, OnnxFile.Load(onnx));
    }

    [Fact]
    public void A_corrupt_model_file_is_one_line_and_exit_code_1()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("bad.onnx"), [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]);
        var (code, _, err) = Cli("export", "--model", dir.File("bad.onnx"), "--out", dir.File("x.onnx"));
        Assert.Equal(CliApp.ExitError, code);
        Assert.Contains("bad.onnx", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void The_sample_weights_are_byte_for_byte_reproducible()
    {
        using var dir = new TempDir();
        string path = dir.File("repvgg-n1-train.safetensors");
        Assert.Equal(0, Cli("export", "--model", "repvgg-n1-train", "--out", path).Code);
        Assert.Equal(SampleSha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
    }
}
