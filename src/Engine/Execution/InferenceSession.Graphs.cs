using GpuEngine.Backends.Cuda;

namespace GpuEngine.Execution;

public sealed partial class InferenceSession
{
    private CudaGraphReplay? _graph;

    /// <summary>Whether runs replay a CUDA graph (cuda with <see cref="SessionOptions.Graphs"/>, after the first run).</summary>
    public bool ReplaysGraph => _graph?.IsReplaying == true;

    /// <summary>Whether the session has a CUDA graph replay (cuda with graphs on).</summary>
    public bool HasGraphReplay => _graph is not null;

    /// <summary>
    /// Queues one inference's launches on the session's first execution state (the step-by-step API's): through the
    /// CUDA graph where the session has one (unless <paramref name="useGraph"/> is false, for comparison), else one by one.
    /// </summary>
    public void RunLaunches(bool useGraph = true) => RunLaunches(_primary, useGraph);

    /// <summary>
    /// The graph holds the first state's device addresses, so only that state replays it; states built for
    /// overlapping calls launch one by one.
    /// </summary>
    private void RunLaunches(ExecutionState state, bool useGraph = true)
    {
        if (useGraph && _graph is { } graph && ReferenceEquals(state, _primary)) Replay(graph, state);
        else RunPlain(state);
    }

    /// <summary>Its own method: a lambda over <paramref name="state"/> in RunLaunches would allocate its closure on every run, cuda or not.</summary>
    private void Replay(CudaGraphReplay graph, ExecutionState state) => graph.Run(() => RunPlain(state));

    private void RunPlain(ExecutionState state)
    {
        // Indexed, not foreach: an interface enumerator would allocate on every run.
        var launches = state.Launches;
        if (WorkProgress.Sink is null)
            for (int i = 0; i < launches.Count; i++) launches[i].Run(Backend);
        else
            RunReporting(state.Launches);
    }

    /// <summary>
    /// Test hook: gives this session (on any backend) <paramref name="replay"/>, as a cuda session with graphs on has
    /// one, so the graph paths run against a stubbed driver without a GPU.
    /// </summary>
    internal void UseGraphReplayForTests(CudaGraphReplay replay)
    {
        _graph?.Dispose();
        _graph = replay;
    }

    /// <summary>cuda with graphs on gets a replay; other devices run launches one by one (graphs are a cuda feature).</summary>
    private CudaGraphReplay? CreateGraphReplay() =>
        Options.Graphs && Backend is CudaBackend cuda ? cuda.CreateGraphReplay(Options.Warn) : null;
}
