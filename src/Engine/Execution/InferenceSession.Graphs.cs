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
    /// Queues one inference's launches: through the CUDA graph where the session has one (unless
    /// <paramref name="useGraph"/> is false, for comparison), else one by one.
    /// </summary>
    public void RunLaunches(bool useGraph = true)
    {
        if (useGraph && _graph is { } graph) graph.Run(RunPlain);
        else RunPlain();
    }

    private void RunPlain()
    {
        foreach (var launch in _launches) launch.Run(Backend);
    }

    /// <summary>cuda with graphs on gets a replay; other devices run launches one by one (graphs are a cuda feature).</summary>
    private CudaGraphReplay? CreateGraphReplay() =>
        Options.Graphs && Backend is CudaBackend cuda ? cuda.CreateGraphReplay(Options.Warn) : null;
}
