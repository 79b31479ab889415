using System.Text.RegularExpressions;
using GpuEngine.Profiling.Validation;

namespace GpuEngine.Tests.Profiling;

public class SeedTableTests
{
    [Fact]
    public void AllEightRepVggTablesAreReproducedExactly()
    {
        var result = SeedValidator.Validate(TestData.RepVggTables, new ValidationOptions());
        Assert.Equal(8, result.Tables);
        Assert.DoesNotContain(result.Checks, c => c.Status != CheckStatus.Agree);
        // Every data row of the document, every compared column (7 per row), was checked.
        int rows = File.ReadLines(TestData.RepVggTables).Count(l => Regex.IsMatch(l, @"^\|\s*\d+\s*\|\s*(Conv2d|Linear)-\d+"));
        Assert.Equal(rows * 7, result.Checks.Count);
        foreach (var model in new[] { "repvgg-a0", "repvgg-n0", "repvgg-n1", "repvgg-n2", "repvgg-n3", "repvgg-n4", "repvgg-m0", "repvgg-m1" })
            Assert.Contains(result.Checks, c => c.Table.Contains($"({model},"));
        Assert.Empty(result.Notes); // every Conv2d and Linear layer of every model has its row
    }

    [Fact]
    public void ARowMissingFromATableIsNotedNotFailed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"seed-{Guid.NewGuid():N}.md");
        var lines = File.ReadAllLines(TestData.RepVggTables).Where(l => !l.Contains("| Linear-29 ")).ToArray();
        File.WriteAllLines(path, lines);
        try
        {
            var result = SeedValidator.Validate(path, new ValidationOptions());
            Assert.DoesNotContain(result.Checks, c => c.Status != CheckStatus.Agree);
            Assert.Equal(2, result.Notes.Count(n => n.Contains("Linear-29")));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AChangedCellIsReportedWithItsRowColumnAndExitCode()
    {
        var path = Path.Combine(Path.GetTempPath(), $"seed-{Guid.NewGuid():N}.md");
        var text = File.ReadAllText(TestData.RepVggTables);
        // Conv2d-25 of M1 has 14746880 bytes of weights and bias; make it wrong.
        File.WriteAllText(path, text.Replace("| 14746880 ", "| 14746881 "));
        try
        {
            var (exit, output, error) = Gpuengine.Run("validate", "--table", path, "--format", "csv");
            Assert.Equal(1, exit);
            Assert.Contains("differ", error);
            var line = Assert.Single(output.Split('\n'), l => l.Contains("differ"));
            Assert.Contains("Conv2d-25", line);
            Assert.Contains("memory of weight and bias", line);
            Assert.Contains("14746881", line);
            Assert.Contains("14746880", line);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheVggSeedsOwnTyposAreNamed()
    {
        var result = SeedValidator.Validate(TestData.VggTables, new ValidationOptions());
        var typos = result.Checks.Where(c => c.Status == CheckStatus.Typo).ToList();
        // "2,3M" (a decimal comma) on the five 2,359,296-weight convolutions, and memory(B) that counts elements.
        Assert.Equal(["conv4_2", "conv4_3", "conv5_1", "conv5_2", "conv5_3"], typos.Where(t => t.TableValue == "2,3M").Select(t => t.Row));
        Assert.Contains(typos, t => t.Column == "memory(b)");
        // The text block's two POOL rows whose rounded memory is off by more than its last digit (800K for 802,816; 400K for 401,408).
        var pools = result.Checks.Where(c => c.Status == CheckStatus.Differ && c.Row == "POOL2").ToList();
        Assert.Equal(["800K", "400K"], pools.Select(p => p.TableValue));
        Assert.Equal(1, Gpuengine.Run("validate", "--table", TestData.VggTables).Exit);
    }

    [Fact]
    public void AFileWithoutKnownTablesIsAnError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}.md");
        File.WriteAllText(path, "# nothing\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        try
        {
            var (exit, _, error) = Gpuengine.Run("validate", "--table", path);
            Assert.Equal(2, exit);
            Assert.Contains("holds no table", error);
            Assert.Single(error.Trim().Split('\n'));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
