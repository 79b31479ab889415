using System.Text.Json;
using System.Text.RegularExpressions;

namespace GpuEngine.Tests.Cli;

/// <summary>Issue 13, item 1: the default profile table fits a terminal, names columns by their keys and prints one number style.</summary>
public class ReadableTableTests
{
    private static readonly Regex Exponent = new(@"\d[eE][+-]?\d");

    private static void AssertFits(string output)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= 120, $"{l.Length} characters: {l}"));
        Assert.DoesNotMatch(Exponent, output);
    }

    [Fact]
    public void RepVggA0DefaultTableFits120Columns()
    {
        var (exit, output, error) = Gpuengine.Run("profile", "--model", "repvgg-a0", "--device", "cpu", "--warmup", "1", "--runs", "1");
        Assert.True(exit == 0, error);
        AssertFits(output);
        var header = output.Split('\n').First(l => l.StartsWith("name"));
        foreach (var key in new[] { "type", "out_shape", "params", "macc", "mem_rw", "latency_", "time_" }) Assert.Contains(key, header);
        Assert.DoesNotContain("kernel", header);
        Assert.Contains("stage4.0.rbr_reparam", output);
    }

    [Theory]
    [InlineData("leaves")]
    [InlineData("tape")]
    public void Int8SessionDefaultTableFits120ColumnsWithTheInt8Columns(string report)
    {
        var (exit, output, error) = Gpuengine.Run("profile", "--model", "repvgg-n1-train", "--weights", Path.Combine(GpuEngine.Tests.Loading.TestData.RepoRoot, "weights", "repvgg-n1-train.safetensors"), "--input", "1x3x112x112",
            "--precision", "int8", "--calib", "1", "--report", report, "--device", "cpu", "--warmup", "1", "--runs", "1");
        Assert.True(exit == 0, error);
        AssertFits(output);
        var table = string.Join('\n', output.Split('\n').SkipWhile(l => !l.StartsWith("name")).Take(3));
        Assert.Contains("act_", table);
        Assert.Contains("addsum_", table);
        Assert.Contains("int32", table);
    }

    [Fact]
    public void IncludeHelpListsEveryKeyTheTableAccepts()
    {
        var (exit, output, error) = Gpuengine.Run("profile", "--model", "repvgg-n1", "--include", "help");
        Assert.True(exit == 0, error);
        foreach (var c in GpuEngine.Profiling.Measurement.ProfileRow.Columns) Assert.Contains($" {c.Key} ", output);
        (exit, output, error) = Gpuengine.Run("summary", "--model", "repvgg-n1", "--include", "help");
        Assert.True(exit == 0, error);
        Assert.Contains(" energy ", output);
        (exit, _, error) = Gpuengine.Run("summary", "--model", "repvgg-n1", "--include", "energie");
        Assert.Equal(2, exit);
        Assert.Contains("unknown column 'energie'", error);
    }

    /// <summary>Without a roofline, roofline_pct is left out with one footnote saying why, never a column of empty cells.</summary>
    [Fact]
    public void AColumnWithoutDataIsLeftOutWithAReason()
    {
        var (exit, output, error) = Gpuengine.Run("profile", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--warmup", "1", "--runs", "2",
            "--include", "all", "--report", "node");
        Assert.True(exit == 0, error);
        var header = string.Join(' ', output.Split('\n').SkipWhile(l => !l.StartsWith("name")).TakeWhile(l => !l.StartsWith("---")));
        Assert.DoesNotContain("roofline", header);
        Assert.Contains("kernel", header);
        Assert.Contains("energy", header);
        Assert.Single(Regex.Matches(output, @"\* roofline_pct: not shown, it needs the device's ceilings"));
        Assert.Contains("--roofline", output);
    }

    [Fact]
    public void OverheadIsNeverNegativeAndTheWarmUpIsStated()
    {
        var (exit, output, error) = Gpuengine.Run("profile", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--warmup", "2", "--runs", "9",
            "--report", "root", "--format", "json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("profiler_overhead_ms").GetDouble() >= 0);
        Assert.Contains("9 runs after 2 untimed warm-up", doc.RootElement.GetProperty("timed").GetString());

        (exit, _, error) = Gpuengine.Run("profile", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--warmup", "0");
        Assert.Equal(2, exit);
        Assert.Contains("--warmup must be at least 1", error);
    }

    /// <summary>run: bytes with separators (no MiB), warm-up before timing, no compilation claimed on cpu, no exponents.</summary>
    [Fact]
    public void RunSaysWhatWasTimedInTheSharedNumberStyle()
    {
        var (exit, output, error) = Gpuengine.Run("run", "--model", "repvgg-n1", "--input", "1x3x32x32", "--device", "cpu", "--runs", "3", "--warmup", "2");
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("MiB", output);
        Assert.DoesNotContain("compil", output);
        Assert.Matches(@"memory: arena [\d,]+ B", output);
        Assert.Matches(@"time:   median [\d,]+\.\d{3} ms over 3 runs \(min [\d,]+\.\d{3} ms\)", output);
        Assert.Matches(@"after 2 untimed warm-up run\(s\); the first took [\d,]+\.\d{3} ms\n", output);
        AssertFits(output);
    }
}
