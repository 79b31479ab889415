using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using GpuEngine.Cli;
using GpuEngine.Execution;
using GpuEngine.Loading;
using GpuEngine.Tests.Reference;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Loading;

/// <summary>
/// The committed sample weights/repvgg-n1-train.safetensors: the command weights/README.md gives makes exactly
/// these bytes (so the file is provably the project's own output), and it loads onto the zoo model and runs.
/// </summary>
public class SampleWeightsTests
{
    private const string SampleRelative = "weights/repvgg-n1-train.safetensors";

    private static string Sample => Path.Combine(TestData.RepoRoot, SampleRelative);

    private static string Readme => File.ReadAllText(Path.Combine(TestData.RepoRoot, "weights", "README.md"));

    /// <summary>The arguments after <c>--</c> of the README's <c>gpuengine export</c> line that writes the sample.</summary>
    private static string[] ReadmeExportArguments()
    {
        var line = Readme.Split('\n').SingleOrDefault(l => l.StartsWith("dotnet run", StringComparison.Ordinal) && l.Contains(" -- export ") && l.Contains(SampleRelative))
            ?? throw new Xunit.Sdk.XunitException($"weights/README.md has no single 'dotnet run ... -- export ... {SampleRelative}' line");
        return line[(line.IndexOf(" -- ", StringComparison.Ordinal) + 4)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void The_readme_command_regenerates_the_committed_file_byte_for_byte()
    {
        var args = ReadmeExportArguments();
        Assert.Contains("f16", args);
        using var dir = new TempDir();
        string path = dir.File("sample.safetensors");
        var (o, e) = (new StringWriter(), new StringWriter());
        Assert.True(CliApp.Run([.. args.Select(a => a == SampleRelative ? path : a)], o, e) == 0, e.ToString());

        var committed = File.ReadAllBytes(Sample);
        Assert.True(committed.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{SampleRelative} differs from what '{string.Join(' ', args)}' writes");
        // The size and hash the README states are the file's.
        Assert.Contains($"{committed.Length:N0} bytes", Readme);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(committed)), Readme);
    }

    [Fact]
    public void The_committed_file_loads_onto_the_zoo_model_and_runs_like_the_fp32_weights()
    {
        var zoo = ModelZoo.Create("repvgg-n1-train");
        var sample = WeightFile.Load(zoo, Sample);
        Assert.Equal(["F16"], StoredDTypes());
        var fp32 = WeightInitializer.Initialize(zoo, 0);
        foreach (var (name, w) in fp32.Weights)
        {
            // Every weight is its seed-0 float32 value rounded to half precision: relative error at most 2^-11 (normal range).
            var half = sample.Weight(name).Floats;
            for (int i = 0; i < half.Length; i++)
                Assert.True(Math.Abs(half[i] - w.Floats[i]) <= Math.Max(Math.Abs(w.Floats[i]) / 2048, Math.Pow(2, -25)), $"{name}[{i}]: {half[i]} vs {w.Floats[i]}");
        }

        var input = RandomInput.Uniform(zoo.Inputs[0].Shape, 0);
        var options = new SessionOptions { Device = "cpu" };
        using var fromFile = new InferenceSession(sample, options);
        using var fromSeed = new InferenceSession(fp32, options);
        var expected = fromSeed.Run(input).Floats;
        var actual = fromFile.Run(input).Floats;
        Assert.Equal(89, actual.Length);
        Assert.All(actual, v => Assert.True(float.IsFinite(v)));
        OutputComparison.AssertMaxRelative([.. expected.Select(v => (double)v)], actual, 2e-3, "F16 sample vs float32 seed-0 weights");
    }

    /// <summary>The distinct dtypes the sample's header names.</summary>
    private static string[] StoredDTypes()
    {
        var bytes = File.ReadAllBytes(Sample);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        return [.. Regex.Matches(header, "\"dtype\":\"([A-Z0-9]+)\"").Select(m => m.Groups[1].Value).Distinct()];
    }

    /// <summary>The arguments after <c>--</c> of the main README's main-job line (the one under "# the main job").</summary>
    private static string[] MainJobArguments()
    {
        var lines = File.ReadAllLines(Path.Combine(TestData.RepoRoot, "README.md"));
        int comment = Array.FindIndex(lines, l => l.StartsWith("# the main job", StringComparison.Ordinal));
        Assert.True(comment >= 0, "README.md has no '# the main job' line");
        var line = lines[comment + 1];
        return line[(line.IndexOf(" -- ", StringComparison.Ordinal) + 4)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void The_readme_main_command_profiles_int8_inference_with_the_sample()
    {
        var args = MainJobArguments();
        Assert.Contains(SampleRelative, args);
        Assert.Contains("int8", args);
        // The README's command as written, on cpu with fewer runs so the test stays short.
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = CliApp.Run([.. args.Select(a => a == SampleRelative ? Sample : a), "--device", "cpu", "--warmup", "1", "--runs", "3"], o, e);
        Assert.True(code == 0, e.ToString());
        var text = o.ToString();
        Assert.Contains("precision: int8", text);
        Assert.Matches(@"top5: \d+ \(", text);
        Assert.Contains("stage4.0.rbr_dense.conv", text); // leaves: the train-time layers, mapped back from the fused kernels
    }
}
