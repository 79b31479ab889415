using System.Runtime.CompilerServices;

namespace GpuEngine.Kernels;

/// <summary>
/// CPU-side state of the work group the current thread is executing: the group's shared allocations and
/// its barrier. The CPU backend installs it per thread (<see cref="Enter"/>) before running work items.
/// Shared allocations are matched by call order: the n-th <see cref="CpuGroup.Shared{T}"/> call of every work
/// item returns the same memory, which holds because kernels allocate at the top level, unconditionally.
/// </summary>
public sealed class CpuGroupContext
{
    [ThreadStatic] private static CpuGroupContext? s_current;
    [ThreadStatic] private static int s_sharedCursor;

    private readonly List<byte[]> _shared = [];
    private readonly Action? _barrier;

    /// <summary>A context; <paramref name="barrier"/> is null where the work items run one after another (no barrier allowed).</summary>
    public CpuGroupContext(Action? barrier) => _barrier = barrier;

    internal static CpuGroupContext Current =>
        s_current ?? throw new InvalidOperationException("Group.Shared/Barrier called outside a kernel launch");

    /// <summary>Makes this the calling thread's group and restarts its shared-allocation cursor (call per work item).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enter()
    {
        s_current = this;
        s_sharedCursor = 0;
    }

    /// <summary>Detaches the calling thread from any group.</summary>
    public static void Leave() => s_current = null;

    internal View<T> NextShared<T>(int length) where T : unmanaged
    {
        int slot = s_sharedCursor++;
        int bytes = length * Unsafe.SizeOf<T>();
        lock (_shared)
        {
            while (_shared.Count <= slot) _shared.Add([]);
            if (_shared[slot].Length < bytes) _shared[slot] = new byte[bytes];
            return new View<T>(_shared[slot], length, groupShared: true);
        }
    }

    internal void Barrier()
    {
        if (_barrier is null)
            throw new InvalidOperationException("Group.Barrier in a kernel the generator did not mark as using barriers");
        _barrier();
    }
}
