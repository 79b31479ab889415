namespace GpuEngine.Backends.Cuda;

/// <summary>
/// A session's launch sequence as a CUDA graph. The first <see cref="Run"/> captures the launches on the stream
/// (begin capture, the launches, end capture: captured work does not execute), instantiates the graph once and
/// launches it; every later run is one graph launch instead of one host launch per kernel. If any step fails the
/// replay warns once, runs the launches plainly from then on (that run included) and never captures again.
/// </summary>
internal sealed class CudaGraphReplay(ICudaGraphDriver driver, nint stream, Action<string> warn) : IDisposable
{
    private nint _graph;
    private nint _exec;
    private bool _failed;

    /// <summary>Whether runs replay a graph (false before the first run and after a failure).</summary>
    public bool IsReplaying => _exec != 0;

    /// <summary>Runs the sequence <paramref name="launchAll"/> queues: captured on the first call, replayed after.</summary>
    public void Run(Action launchAll)
    {
        if (_failed)
        {
            launchAll();
            return;
        }
        if (_exec == 0 && !Capture(launchAll)) return;
        int status = driver.Launch(_exec, stream);
        if (status != 0)
        {
            Fail($"cuGraphLaunch returned CUresult {status}");
            launchAll();
        }
    }

    /// <summary>Captures and instantiates; on failure warns, releases what was made, runs the launches plainly and returns false.</summary>
    private bool Capture(Action launchAll)
    {
        int status = driver.BeginCapture(stream);
        if (status != 0) return FailAndRun($"cuStreamBeginCapture_v2 returned CUresult {status}", launchAll);
        Exception? thrown = null;
        try
        {
            launchAll();
        }
        catch (Exception e)
        {
            thrown = e;
        }
        status = driver.EndCapture(stream, out _graph);
        if (thrown is not null)
        {
            Fail($"a launch failed during capture ({thrown.Message.Split('\n', 2)[0]})");
            throw thrown;
        }
        if (status != 0 || _graph == 0) return FailAndRun($"cuStreamEndCapture returned CUresult {status}", launchAll);
        status = driver.Instantiate(_graph, out _exec);
        if (status != 0 || _exec == 0) return FailAndRun($"cuGraphInstantiateWithFlags returned CUresult {status}", launchAll);
        return true;
    }

    private bool FailAndRun(string why, Action launchAll)
    {
        Fail(why);
        launchAll();
        return false;
    }

    private void Fail(string why)
    {
        _failed = true;
        Release();
        warn($"gpuengine: warning: CUDA graph capture failed ({why}); running the kernels as plain launches");
    }

    private void Release()
    {
        if (_exec != 0) driver.DestroyExec(_exec);
        if (_graph != 0) driver.DestroyGraph(_graph);
        _exec = 0;
        _graph = 0;
    }

    public void Dispose() => Release();
}
