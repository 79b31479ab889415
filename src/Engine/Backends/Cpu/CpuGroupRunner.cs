using GpuEngine.Kernels;

namespace GpuEngine.Backends.Cpu;

/// <summary>
/// Runs one work group at a time on one dedicated thread per work item, so a group barrier can really make
/// work items wait for each other (a plain loop cannot). Threads are created once and reused for every
/// group and launch with the same group size. Work items that return early stop counting towards barriers,
/// so a kernel that exits some items before a barrier does not hang (CUDA leaves that undefined).
/// </summary>
internal sealed class CpuGroupRunner : IDisposable
{
    private readonly object _gate = new();
    private readonly Thread[] _threads;
    private readonly Dim3 _groupSize;
    private readonly CpuGroupContext _context;
    private int _generation;
    private CpuKernelBody? _body;
    private ExecutionContext? _launchFlow;
    private WorkItem _group;
    private int _active;
    private int _arrived;
    private int _barrierGeneration;
    private Exception? _fault;
    private bool _disposed;

    public CpuGroupRunner(Dim3 groupSize)
    {
        _groupSize = groupSize;
        _context = new CpuGroupContext(Barrier);
        _threads = new Thread[(int)groupSize.Volume];
        for (int i = 0; i < _threads.Length; i++)
        {
            int local = i;
            // Small stacks: a group of 1024 items means 1024 threads.
            _threads[i] = new Thread(() => WorkLoop(local), 256 * 1024) { IsBackground = true, Name = $"gpuengine-cpu-item-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Runs every work item of the group described by <paramref name="group"/> (local ids ignored); rethrows a work item's failure.</summary>
    public void Run(CpuKernelBody body, WorkItem group)
    {
        lock (_gate)
        {
            _body = body;
            // The item threads were started by an earlier launch: hand them this launch's async-flow state
            // (an AccessCounter counting this launch's accesses).
            _launchFlow = ExecutionContext.Capture();
            _group = group;
            _active = _threads.Length;
            _arrived = 0;
            _fault = null;
            _generation++;
            Monitor.PulseAll(_gate);
            while (_active > 0) Monitor.Wait(_gate);
            _body = null;
            _launchFlow = null;
        }
        if (_fault is not null) throw new AggregateException("a work item failed", _fault);
    }

    private void WorkLoop(int local)
    {
        int lx = local % _groupSize.X, ly = local / _groupSize.X % _groupSize.Y, lz = local / (_groupSize.X * _groupSize.Y);
        int seen = 0;
        while (true)
        {
            CpuKernelBody body;
            ExecutionContext? flow;
            WorkItem item;
            lock (_gate)
            {
                while (_generation == seen && !_disposed) Monitor.Wait(_gate);
                if (_disposed) return;
                seen = _generation;
                body = _body!;
                flow = _launchFlow;
                item = _group with { LocalX = lx, LocalY = ly, LocalZ = lz };
            }
            try
            {
                _context.Enter();
                if (flow is null) body(item);
                else ExecutionContext.Run(flow, _ => body(item), null);
            }
            catch (Exception e)
            {
                lock (_gate) _fault ??= e;
            }
            finally
            {
                CpuGroupContext.Leave();
            }
            lock (_gate)
            {
                _active--;
                ReleaseBarrierIfComplete();
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void Barrier()
    {
        lock (_gate)
        {
            if (_fault is not null) throw new OperationCanceledException("another work item of the group failed");
            int generation = _barrierGeneration;
            _arrived++;
            if (ReleaseBarrierIfComplete()) return;
            while (generation == _barrierGeneration)
            {
                Monitor.Wait(_gate);
                if (_fault is not null) throw new OperationCanceledException("another work item of the group failed");
            }
        }
    }

    // Caller holds _gate.
    private bool ReleaseBarrierIfComplete()
    {
        if (_arrived == 0 || _arrived < _active) return false;
        _arrived = 0;
        _barrierGeneration++;
        Monitor.PulseAll(_gate);
        return true;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
    }
}
