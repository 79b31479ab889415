namespace GpuEngine.Backends.Cuda;

/// <summary>
/// <see cref="ICudaGraphDriver"/> on the driver library <see cref="CudaDriver"/> already loaded (libcuda.so.1):
/// ILGPU wraps no graph API, so these are called through their exported addresses. A missing export reads as
/// CUDA_ERROR_NOT_FOUND (500), which the replay turns into plain launches.
/// </summary>
internal sealed unsafe class CudaGraphDriver : ICudaGraphDriver
{
    private const int NotFound = 500;

    /// <summary>CU_STREAM_CAPTURE_MODE_RELAXED: ILGPU may load a module at a kernel's first launch, which global mode forbids.</summary>
    private const int CaptureModeRelaxed = 2;

    private readonly nint _begin = CudaDriver.Export("cuStreamBeginCapture_v2");
    private readonly nint _end = CudaDriver.Export("cuStreamEndCapture");
    private readonly nint _instantiate = CudaDriver.Export("cuGraphInstantiateWithFlags");
    private readonly nint _launch = CudaDriver.Export("cuGraphLaunch");
    private readonly nint _destroyExec = CudaDriver.Export("cuGraphExecDestroy");
    private readonly nint _destroyGraph = CudaDriver.Export("cuGraphDestroy");

    public int BeginCapture(nint stream) =>
        _begin == 0 ? NotFound : ((delegate* unmanaged<nint, int, int>)_begin)(stream, CaptureModeRelaxed);

    public int EndCapture(nint stream, out nint graph)
    {
        nint result = 0;
        int status = _end == 0 ? NotFound : ((delegate* unmanaged<nint, nint*, int>)_end)(stream, &result);
        graph = result;
        return status;
    }

    public int Instantiate(nint graph, out nint exec)
    {
        nint result = 0;
        int status = _instantiate == 0 ? NotFound : ((delegate* unmanaged<nint*, nint, ulong, int>)_instantiate)(&result, graph, 0);
        exec = result;
        return status;
    }

    public int Launch(nint exec, nint stream) =>
        _launch == 0 ? NotFound : ((delegate* unmanaged<nint, nint, int>)_launch)(exec, stream);

    public int DestroyExec(nint exec) => _destroyExec == 0 ? NotFound : ((delegate* unmanaged<nint, int>)_destroyExec)(exec);

    public int DestroyGraph(nint graph) => _destroyGraph == 0 ? NotFound : ((delegate* unmanaged<nint, int>)_destroyGraph)(graph);
}
