using GpuEngine.Backends.Cuda;

namespace GpuEngine.Tests.Backends;

/// <summary>The capture-and-replay sequence against a stubbed driver that records every call: no GPU needed.</summary>
public class CudaGraphReplayTests
{
    private const nint Stream = 0x5151;

    /// <summary>Records calls as words; a named call returns <see cref="FailOn"/>'s code instead of success.</summary>
    private sealed class RecordingDriver : ICudaGraphDriver
    {
        public List<string> Calls { get; } = [];
        public string? FailOn { get; init; }

        private int Record(string call, nint stream = 0)
        {
            if (stream != 0) Assert.Equal(Stream, stream);
            Calls.Add(call);
            return call == FailOn ? 900 : 0;
        }

        public int BeginCapture(nint stream) => Record("begin", stream);

        public int EndCapture(nint stream, out nint graph)
        {
            graph = 0x6;
            return Record("end", stream);
        }

        public int Instantiate(nint graph, out nint exec)
        {
            Assert.Equal(0x6, graph);
            exec = 0xE;
            return Record("instantiate");
        }

        public int Launch(nint exec, nint stream)
        {
            Assert.Equal(0xE, exec);
            return Record("launch", stream);
        }

        public int DestroyExec(nint exec) => Record($"destroy-exec {exec:X}");
        public int DestroyGraph(nint graph) => Record($"destroy-graph {graph:X}");
    }

    /// <summary>Three "kernels" per run, recorded in the same list so their place between the driver calls shows.</summary>
    private static Action Launches(List<string> calls) => () => calls.AddRange(["k0", "k1", "k2"]);

    [Fact]
    public void CapturesTheLaunchesOnceThenReplaysOneGraphLaunchPerRunAndDestroysOnDispose()
    {
        var driver = new RecordingDriver();
        var warnings = new List<string>();
        var replay = new CudaGraphReplay(driver, Stream, warnings.Add);
        for (int run = 0; run < 4; run++) replay.Run(Launches(driver.Calls));
        Assert.True(replay.IsReplaying);
        replay.Dispose();
        Assert.Equal(
            ["begin", "k0", "k1", "k2", "end", "instantiate", "launch", "launch", "launch", "launch", "destroy-exec E", "destroy-graph 6"],
            driver.Calls);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("begin")]
    [InlineData("end")]
    [InlineData("instantiate")]
    public void AFailedCaptureWarnsOnceAndFallsBackToPlainLaunches(string failing)
    {
        var driver = new RecordingDriver { FailOn = failing };
        var warnings = new List<string>();
        using var replay = new CudaGraphReplay(driver, Stream, warnings.Add);
        for (int run = 0; run < 3; run++) replay.Run(Launches(driver.Calls));
        Assert.False(replay.IsReplaying);
        var warning = Assert.Single(warnings);
        Assert.Contains("plain launches", warning);
        Assert.DoesNotContain("launch", driver.Calls);
        Assert.Single(driver.Calls, c => c == "begin");
        // Every run executed its kernels for real: captured work of the failed run is run again plainly.
        int plainRuns = driver.Calls.Count(c => c == "k0") - (failing == "begin" ? 0 : 1);
        Assert.Equal(3, plainRuns);
    }

    [Fact]
    public void AFailedGraphLaunchFallsBackForThatRunAndAfter()
    {
        var driver = new RecordingDriver { FailOn = "launch" };
        var warnings = new List<string>();
        using var replay = new CudaGraphReplay(driver, Stream, warnings.Add);
        replay.Run(Launches(driver.Calls));
        replay.Run(Launches(driver.Calls));
        Assert.Single(warnings);
        Assert.Equal(["begin", "k0", "k1", "k2", "end", "instantiate", "launch", "destroy-exec E", "destroy-graph 6", "k0", "k1", "k2", "k0", "k1", "k2"], driver.Calls);
    }
}
