namespace GpuEngine.Backends.Cuda;

/// <summary>
/// The CUDA driver's graph calls a session needs, each returning its CUresult (0 = success). The real one is
/// <see cref="CudaGraphDriver"/>; tests stub it to check the capture and replay sequence without a GPU.
/// </summary>
internal interface ICudaGraphDriver
{
    /// <summary>cuStreamBeginCapture_v2(stream, mode).</summary>
    int BeginCapture(nint stream);

    /// <summary>cuStreamEndCapture(stream, &amp;graph).</summary>
    int EndCapture(nint stream, out nint graph);

    /// <summary>cuGraphInstantiateWithFlags(&amp;exec, graph, 0).</summary>
    int Instantiate(nint graph, out nint exec);

    /// <summary>cuGraphLaunch(exec, stream).</summary>
    int Launch(nint exec, nint stream);

    /// <summary>cuGraphExecDestroy(exec).</summary>
    int DestroyExec(nint exec);

    /// <summary>cuGraphDestroy(graph).</summary>
    int DestroyGraph(nint graph);
}
