using GpuEngine.Backends.Cuda;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Tests.Reference;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Profiling;

/// <summary>
/// What <c>profile</c> reports as end_to_end_graph_ms and end_to_end_no_graph_ms (<see cref="GraphTiming"/>), against a
/// stubbed graph driver on a cpu session: the graph side captures once and then replays one graph launch per run, the
/// plain side never touches the driver and runs the kernels, and both sides are timed over warm-up plus runs.
/// </summary>
public class GraphTimingTests
{
    private sealed class CountingDriver : ICudaGraphDriver
    {
        public List<string> Calls { get; } = [];

        public int BeginCapture(nint stream) => Record("begin");

        public int EndCapture(nint stream, out nint graph)
        {
            graph = 0x6;
            return Record("end");
        }

        public int Instantiate(nint graph, out nint exec)
        {
            exec = 0xE;
            return Record("instantiate");
        }

        public int Launch(nint exec, nint stream) => Record("launch");
        public int DestroyExec(nint exec) => Record("destroy-exec");
        public int DestroyGraph(nint graph) => Record("destroy-graph");

        private int Record(string call)
        {
            Calls.Add(call);
            return 0;
        }
    }

    [Fact]
    public void BothWays_TheGraphSideReplaysAndThePlainSideLaunchesTheKernels()
    {
        var graph = WeightInitializer.Initialize(ModelZoo.Create("repvgg-a0", new TensorShape(1, 3, 16, 16), 10), 3);
        using var session = new InferenceSession(graph, new SessionOptions { Device = "cpu" });
        var input = RandomInput.Uniform(new TensorShape(1, 3, 16, 16), 4);
        session.Run(input);
        Assert.False(session.HasGraphReplay);

        var driver = new CountingDriver();
        var warnings = new List<string>();
        session.UseGraphReplayForTests(new CudaGraphReplay(driver, 0x5151, warnings.Add));
        Assert.True(session.HasGraphReplay);
        var (graphMs, plainMs) = GraphTiming.Measure(session, warmup: 2, runs: 3);

        // Capture (the launches run once for real inside it), then one graph launch per warm-up and timed run; the
        // plain side adds no driver call.
        Assert.Equal(["begin", "end", "instantiate", .. Enumerable.Repeat("launch", 5)], driver.Calls);
        Assert.True(session.ReplaysGraph);
        Assert.Empty(warnings);
        Assert.True(graphMs >= 0, $"graph {graphMs} ms");
        // The stub replays nothing, so only the plain side did the kernels' work.
        Assert.True(plainMs > graphMs, $"plain {plainMs} ms, graph {graphMs} ms");
    }
}
