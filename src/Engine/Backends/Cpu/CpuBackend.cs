using System.Collections.Concurrent;
using System.Diagnostics;
using GpuEngine.Kernels;

namespace GpuEngine.Backends.Cpu;

/// <summary>
/// Runs the C# kernel methods themselves over the launch grid: the reference every device backend is
/// checked against. Launches are synchronous. Groups run in parallel; inside a group, work items of a
/// barrier-free kernel run as a plain loop; a kernel that calls <c>Group.Barrier()</c> runs the
/// generator's phase-split version (one loop over the items per stretch between barriers) when it has one,
/// else one thread per work item (<see cref="CpuGroupRunner"/>) so the barrier keeps its real meaning.
/// A launch is bound to its arguments once and replayed from a cache, so steady-state launches allocate nothing.
/// </summary>
public sealed class CpuBackend : Backend
{
    private readonly ConcurrentDictionary<Dim3, ConcurrentBag<CpuGroupRunner>> _runners = new();
    private readonly CpuLaunchCache _bound = new();

    public override string Name => "cpu";
    public override string DeviceDescription => $"CPU, {Environment.ProcessorCount} threads (C# kernels)";

    /// <summary>Every generated kernel has a CPU binder; hand-made descriptors may not.</summary>
    public override bool Supports(KernelDescriptor kernel) => kernel.CpuBinder is not null;

    protected override DeviceBuffer AllocateCore(long bytes) => new CpuBuffer(bytes);

    protected override void UploadCore(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source) =>
        source.CopyTo(Cpu(destination).Data.AsSpan((int)byteOffset));

    protected override void DownloadCore(DeviceBuffer source, long byteOffset, Span<byte> destination) =>
        Cpu(source).Data.AsSpan((int)byteOffset, destination.Length).CopyTo(destination);

    protected override void LaunchCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments) =>
        Run(Bind(kernel, grid, arguments), flowContext: false);

    /// <summary>The C# kernel counts through its views: an <see cref="AccessCounter"/> around the launch.</summary>
    protected override long LaunchCountingCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        using var counter = AccessCounter.Start();
        Run(Bind(kernel, grid, arguments), flowContext: true);
        return counter.Bytes;
    }

    /// <summary>
    /// Runs barrier kernels with one thread per work item even where the generator split them into phases
    /// (default false). The tests use it to keep the fallback path checked.
    /// </summary>
    public bool ThreadPerWorkItem { get; init; }

    /// <summary>
    /// The launch bound to its arguments: a session replays the same launches, so after the first run this is a
    /// cache hit that allocates nothing (<see cref="CpuLaunchCache"/>).
    /// </summary>
    private CpuLaunch Bind(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        if (kernel.CpuBinder is null) throw new NotSupportedException($"kernel '{kernel.Name}' has no CPU entry");
        return _bound.Get(kernel, grid, arguments, ThreadPerWorkItem);
    }

    /// <summary>
    /// Groups in parallel on <see cref="CpuParallel"/> (allocation-free). Counting launches go through Parallel.For
    /// instead, which carries the async flow (the <see cref="AccessCounter"/>) to its workers; CpuParallel's fixed
    /// workers do not see it.
    /// </summary>
    private void Run(CpuLaunch launch, bool flowContext)
    {
        if (launch.Grid.IsEmpty) return;
        if (launch.NeedsItemThreads) RunWithBarriers(launch.Body, launch.Grid, launch.Groups);
        else if (flowContext) Parallel.For(0, launch.Groups, launch.Run);
        else CpuParallel.For(launch.Groups, launch);
    }

    private void RunWithBarriers(CpuKernelBody body, LaunchGrid grid, long groups)
    {
        var pool = _runners.GetOrAdd(grid.GroupSize, _ => []);
        int workers = (int)Math.Min(Environment.ProcessorCount, groups);
        long next = -1;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            if (!pool.TryTake(out var runner)) runner = new CpuGroupRunner(grid.GroupSize);
            try
            {
                for (long g = Interlocked.Increment(ref next); g < groups; g = Interlocked.Increment(ref next))
                    runner.Run(body, CpuLaunch.GroupItem(grid, g));
            }
            finally
            {
                pool.Add(runner);
            }
        });
    }

    protected override DeviceEvent RecordEventCore() => new CpuEvent(Stopwatch.GetTimestamp());

    protected override double ElapsedMillisecondsCore(DeviceEvent start, DeviceEvent end) =>
        (((CpuEvent)end).Timestamp - ((CpuEvent)start).Timestamp) * 1000.0 / Stopwatch.Frequency;

    /// <summary>Launches finish before they return: nothing to wait for.</summary>
    protected override void SynchronizeCore() { }

    private static CpuBuffer Cpu(DeviceBuffer buffer) =>
        buffer as CpuBuffer ?? throw new ArgumentException("buffer was not allocated by the cpu backend", nameof(buffer));

    protected override void Dispose(bool disposing)
    {
        foreach (var pool in _runners.Values)
            while (pool.TryTake(out var runner)) runner.Dispose();
    }
}
