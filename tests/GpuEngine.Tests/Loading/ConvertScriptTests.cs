using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Text.Json;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Loading;

/// <summary>A fact that is skipped where no python3 is on the PATH (CI has one: it reads the TRX files with it).</summary>
public sealed class RequiresPython3FactAttribute : FactAttribute
{
    public RequiresPython3FactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, "python3"))))
            Skip = "python3 is not on the PATH";
    }
}

/// <summary>
/// weights/convert.py cannot run here (it needs PyTorch), so what can be checked without it is: it compiles, its
/// command line parses, and its safetensors writer makes files the engine loads.
/// </summary>
public class ConvertScriptTests
{
    private static string Script => Path.Combine(TestData.RepoRoot, "weights", "convert.py");

    private static (int Code, string Out, string Err) Python(IEnumerable<string> args, string? cacheDir = null)
    {
        var start = new ProcessStartInfo("python3", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Bytecode goes to a temporary folder, not weights/__pycache__.
        if (cacheDir is not null) start.Environment["PYTHONPYCACHEPREFIX"] = cacheDir;
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "python3 did not finish in a minute");
        return (p.ExitCode, stdout.Result, stderr);
    }

    [RequiresPython3Fact]
    public void It_compiles_and_its_command_line_works_without_pytorch()
    {
        using var dir = new TempDir();
        var compile = Python(["-m", "py_compile", Script], dir.Path);
        Assert.True(compile.Code == 0, compile.Err);
        var help = Python([Script, "--help"], dir.Path);
        Assert.True(help.Code == 0, help.Err);
        Assert.Contains("--deploy", help.Out);
        var deploy = Python([Script, "torchvision", "vgg11", "--deploy", "--out", dir.File("x.safetensors")], dir.Path);
        Assert.Equal(2, deploy.Code);
        Assert.Contains("--deploy applies to the timm source", deploy.Err);
    }

    /// <summary>The script's writer, fed RepVGG-N1's weights under timm's names, makes a file that loads back exactly.</summary>
    [RequiresPython3Fact]
    public void Its_safetensors_writer_makes_files_the_engine_loads_under_timm_names()
    {
        var g = WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1-train", new TensorShape(1, 3, 32, 32), 5), 3);
        using var dir = new TempDir();
        var manifest = new List<object>();
        using (var blob = File.Create(dir.File("weights.bin")))
        {
            foreach (var (name, tensor) in g.Weights)
            {
                var bytes = TensorBytes.ToBytes(tensor);
                blob.Write(bytes);
                manifest.Add(new { name = WeightNameMaps.Timm.FromZoo(name), shape = tensor.Shape.Dims, bytes = bytes.Length });
            }
        }
        File.WriteAllText(dir.File("manifest.json"), JsonSerializer.Serialize(manifest));
        File.WriteAllText(dir.File("write.py"), """
            import importlib.util, json, sys
            spec = importlib.util.spec_from_file_location("convert", sys.argv[1])
            convert = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(convert)
            manifest = json.load(open(sys.argv[2]))
            blob = open(sys.argv[3], "rb").read()
            entries, at = [], 0
            for e in manifest:
                entries.append((e["name"], "F32", e["shape"], blob[at:at + e["bytes"]]))
                at += e["bytes"]
            with open(sys.argv[4], "wb") as f:
                convert.write_safetensors(f, entries, {"format": "pt", "producer": "test"})
            """);
        string output = dir.File("timm.safetensors");
        var run = Python([dir.File("write.py"), Script, dir.File("manifest.json"), dir.File("weights.bin"), output], dir.Path);
        Assert.True(run.Code == 0, run.Err);

        Assert.Equal("test", SafetensorsFile.ReadMetadata(output)["producer"]);
        var tensors = SafetensorsFile.Read(output);
        Assert.Same(WeightNameMaps.Timm, WeightFile.Detect(g, tensors));
        TestData.AssertSameWeights(g, WeightFile.Load(ModelZoo.Create("repvgg-n1-train", new TensorShape(1, 3, 32, 32), 5), output));
    }
}
