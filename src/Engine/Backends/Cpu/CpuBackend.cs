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
/// </summary>
public sealed class CpuBackend : Backend
{
    private readonly ConcurrentDictionary<Dim3, ConcurrentBag<CpuGroupRunner>> _runners = new();

    public override string Name => "cpu";
    public override string DeviceDescription => $"CPU, {Environment.ProcessorCount} threads (C# kernels)";

    /// <summary>Every generated kernel has a CPU binder; hand-made descriptors may not.</summary>
    public override bool Supports(KernelDescriptor kernel) => kernel.CpuBinder is not null;

    protected override DeviceBuffer AllocateCore(long bytes) => new CpuBuffer(bytes);

    protected override void UploadCore(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source) =>
        source.CopyTo(Cpu(destination).Data.AsSpan((int)byteOffset));

    protected override void DownloadCore(DeviceBuffer source, long byteOffset, Span<byte> destination) =>
        Cpu(source).Data.AsSpan((int)byteOffset, destination.Length).CopyTo(destination);

    protected override void LaunchCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        var binder = kernel.CpuBinder ?? throw new NotSupportedException($"kernel '{kernel.Name}' has no CPU entry");
        var cpuArguments = new CpuArgument[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            var a = arguments[i];
            cpuArguments[i] = a.IsView ? CpuArgument.ForView(Cpu(a.Buffer!).Data, a.ByteOffset, checked((int)a.Length)) : CpuArgument.ForScalar(a.ScalarBits);
        }
        var body = binder(cpuArguments);
        long groups = grid.GroupCount.Volume;
        if (grid.IsEmpty) return;
        if (kernel.UsesBarrier && kernel.CpuGroupBinder is not null && !ThreadPerWorkItem)
            RunPhased(kernel.CpuGroupBinder(cpuArguments), grid, groups);
        else if (kernel.UsesBarrier) RunWithBarriers(body, grid, groups);
        else RunAsLoops(body, grid, groups, usesShared: kernel.SharedMemoryBytes > 0);
    }

    /// <summary>The C# kernel counts through its views: an <see cref="AccessCounter"/> around the launch.</summary>
    protected override long LaunchCountingCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        using var counter = AccessCounter.Start();
        LaunchCore(kernel, grid, arguments);
        return counter.Bytes;
    }

    /// <summary>
    /// Runs barrier kernels with one thread per work item even where the generator split them into phases
    /// (default false). The tests use it to keep the fallback path checked.
    /// </summary>
    public bool ThreadPerWorkItem { get; init; }

    private static void RunPhased(CpuGroupBody body, LaunchGrid grid, long groups) =>
        Parallel.For(0L, groups, g => body(GroupItem(grid, g)));

    private static void RunAsLoops(CpuKernelBody body, LaunchGrid grid, long groups, bool usesShared)
    {
        Parallel.For(0L, groups, () => usesShared ? new CpuGroupContext(barrier: null) : null, (g, _, context) =>
        {
            var group = GroupItem(grid, g);
            for (int z = 0; z < grid.GroupSize.Z; z++)
                for (int y = 0; y < grid.GroupSize.Y; y++)
                    for (int x = 0; x < grid.GroupSize.X; x++)
                    {
                        context?.Enter();
                        body(group with { LocalX = x, LocalY = y, LocalZ = z });
                    }
            return context;
        }, _ => CpuGroupContext.Leave());
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
                    runner.Run(body, GroupItem(grid, g));
            }
            finally
            {
                pool.Add(runner);
            }
        });
    }

    /// <summary>The work item template of linear group <paramref name="g"/> (x fastest), local ids zero.</summary>
    private static WorkItem GroupItem(LaunchGrid grid, long g)
    {
        var count = grid.GroupCount;
        var size = grid.GroupSize;
        int gx = (int)(g % count.X), gy = (int)(g / count.X % count.Y), gz = (int)(g / ((long)count.X * count.Y));
        return new WorkItem(0, 0, 0, gx, gy, gz, size.X, size.Y, size.Z, count.X, count.Y, count.Z);
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
