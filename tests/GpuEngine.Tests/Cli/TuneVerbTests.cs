namespace GpuEngine.Tests.Cli;

public sealed class TuneVerbTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpue-tune-").FullName;

    private string[] Tune(params string[] extra) =>
        ["tune", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--cache", Path.Combine(_directory, "t.json"), .. extra];

    [Fact]
    public void PrintsEveryCandidateAndOneWinnerPerMeasuredLayer()
    {
        var (exit, output, error) = Gpuengine.Run(Tune("--format", "csv"));
        Assert.True(exit == 0, error);
        var rows = output.Trim().Split('\n').Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Contains(rows, r => r[1] == "reference");
        Assert.Contains(rows, r => r[1] == "tile32");
        var measured = rows.Where(r => r[3] != "cached").GroupBy(r => r[0]).ToList();
        Assert.NotEmpty(measured);
        Assert.All(measured, layer => Assert.Single(layer, r => r[3] == "winner"));
        Assert.True(File.Exists(Path.Combine(_directory, "t.json")));
        // A second run reads the cache: every layer cached.
        var (_, again, _) = Gpuengine.Run(Tune("--format", "csv"));
        Assert.All(again.Trim().Split('\n').Skip(1), l => Assert.Contains(",cached,", l));
    }

    [Theory]
    [InlineData("--tactics", "fast", "--tactics 'fast' is not one of fixed, tuned")]
    [InlineData("--graphs", "maybe", "--graphs 'maybe' is not one of on, off")]
    public void BadSwitchesAreOneLine(string option, string value, string message)
    {
        var (exit, _, error) = Gpuengine.Run(["run", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", option, value]);
        Assert.NotEqual(0, exit);
        Assert.Equal($"gpuengine: error: {message}", error.Trim());
    }

    [Fact]
    public void GraphsOnADeviceWithoutThemIsANote()
    {
        var (exit, _, error) = Gpuengine.Run(["run", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--graphs", "on", "--runs", "1"]);
        Assert.True(exit == 0, error);
        Assert.Contains("note: --graphs applies to cuda only; ignored on cpu", error);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
