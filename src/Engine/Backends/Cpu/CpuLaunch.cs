using GpuEngine.Kernels;

namespace GpuEngine.Backends.Cpu;

/// <summary>
/// One launch bound once: the kernel body over its arguments and the grid, ready to run again with no allocation.
/// It is its own <see cref="ICpuParallelBody"/> (index = linear group), so a steady-state launch allocates nothing:
/// no argument array, no binder closure, no Parallel.For state. Immutable after construction: threads may share it.
/// </summary>
internal sealed class CpuLaunch : ICpuParallelBody
{
    /// <summary>Per-thread shared memory for groups that run as loops (a kernel with Group.Shared but no barrier).</summary>
    [ThreadStatic] private static CpuGroupContext? t_loopContext;

    public CpuLaunch(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> launchArguments, bool threadPerWorkItem)
    {
        var binder = kernel.CpuBinder ?? throw new NotSupportedException($"kernel '{kernel.Name}' has no CPU entry");
        var arguments = new CpuArgument[launchArguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            var a = launchArguments[i];
            arguments[i] = a.IsView
                ? CpuArgument.ForView(Cpu(a.Buffer!).Data, a.ByteOffset, checked((int)a.Length))
                : CpuArgument.ForScalar(a.ScalarBits);
        }
        Grid = grid;
        Groups = checked((int)grid.GroupCount.Volume);
        Body = binder(arguments);
        if (kernel.UsesBarrier && kernel.CpuGroupBinder is not null && !threadPerWorkItem) Phased = kernel.CpuGroupBinder(arguments);
        NeedsItemThreads = kernel.UsesBarrier && Phased is null;
        UsesShared = kernel.SharedMemoryBytes > 0;
    }

    public LaunchGrid Grid { get; }

    /// <summary>Work groups in the grid: the parallel loop's index range.</summary>
    public int Groups { get; }

    /// <summary>The bound body per work item.</summary>
    public CpuKernelBody Body { get; }

    /// <summary>The generator's phase-split whole-group body of a barrier kernel, where it has one (and it is wanted).</summary>
    public CpuGroupBody? Phased { get; }

    /// <summary>A barrier kernel without a phase split: one thread per work item (<see cref="CpuGroupRunner"/>).</summary>
    public bool NeedsItemThreads { get; }

    private bool UsesShared { get; }

    /// <summary>Runs group <paramref name="index"/>: the phased body, or the work items as a plain loop (x fastest).</summary>
    public void Run(int index)
    {
        var group = GroupItem(Grid, index);
        if (Phased is not null)
        {
            Phased(group);
            return;
        }
        var context = UsesShared ? t_loopContext ??= new CpuGroupContext(barrier: null) : null;
        try
        {
            var size = Grid.GroupSize;
            for (int z = 0; z < size.Z; z++)
                for (int y = 0; y < size.Y; y++)
                    for (int x = 0; x < size.X; x++)
                    {
                        context?.Enter();
                        Body(group with { LocalX = x, LocalY = y, LocalZ = z });
                    }
        }
        finally
        {
            if (context is not null) CpuGroupContext.Leave();
        }
    }

    private static CpuBuffer Cpu(DeviceBuffer buffer) =>
        buffer as CpuBuffer ?? throw new ArgumentException("buffer was not allocated by the cpu backend", nameof(buffer));

    /// <summary>The work item template of linear group <paramref name="g"/> (x fastest), local ids zero.</summary>
    public static WorkItem GroupItem(LaunchGrid grid, long g)
    {
        var count = grid.GroupCount;
        var size = grid.GroupSize;
        int gx = (int)(g % count.X), gy = (int)(g / count.X % count.Y), gz = (int)(g / ((long)count.X * count.Y));
        return new WorkItem(0, 0, 0, gx, gy, gz, size.X, size.Y, size.Z, count.X, count.Y, count.Z);
    }
}
