using GpuEngine.Cli;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;

namespace GpuEngine.Tests.Loading;

public class ExportVerbTests
{
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
    public void Dtype_narrows_safetensors_floats_and_is_refused_for_onnx()
    {
        using var dir = new TempDir();
        string f32 = dir.File("f32.safetensors"), bf16 = dir.File("bf16.safetensors");
        string[] model = ["export", "--model", "repvgg-n1", "--input", "1x3x32x32", "--classes", "5"];
        Assert.Equal(0, Cli([.. model, "--out", f32]).Code);
        var (code, stdout, _) = Cli([.. model, "--dtype", "bf16", "--out", bf16]);
        Assert.Equal(0, code);
        Assert.Contains("BF16", stdout);
        Assert.InRange(new FileInfo(bf16).Length, new FileInfo(f32).Length / 2, new FileInfo(f32).Length / 2 + 4096);
        var zoo = ModelLoader.Load("repvgg-n1", new TensorShape(1, 3, 32, 32), 5);
        var full = WeightFile.Load(zoo, f32);
        var narrow = WeightFile.Load(zoo, bf16);
        foreach (var (name, w) in full.Weights)
        {
            // bfloat16 keeps 8 significant bits: rounding to nearest moves a value by at most 2^-8 of itself.
            Assert.All(w.Floats.Zip(narrow.Weight(name).Floats), p => Assert.True(Math.Abs(p.First - p.Second) <= Math.Abs(p.First) / 256, name));
        }

        var onnx = Cli([.. model, "--dtype", "f16", "--out", dir.File("m.onnx")]);
        Assert.Equal(CliApp.ExitError, onnx.Code);
        Assert.Contains("--dtype F16 applies to .safetensors", onnx.Err);
        Assert.False(File.Exists(dir.File("m.onnx")));
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
}
