using System.Runtime.CompilerServices;

namespace GpuEngine.Kernels;

/// <summary>
/// Counts the bytes kernels on the CPU backend really move through device-memory views: every element access
/// through a <see cref="View{T}"/> over a device buffer adds its element size; group shared memory is not counted.
/// The indexer returns a reference, so a read-modify-write of one element (<c>c[i] += x</c>) counts once.
/// The counter follows the async flow that started it (Parallel.For carries it to the workers, the cpu backend hands it
/// to the item threads of barrier kernels), so counting in one test or command never sees another's kernels. Costs one static read per access while no counter is running.
/// </summary>
public sealed class AccessCounter : IDisposable
{
    private static readonly AsyncLocal<AccessCounter?> s_current = new();
    private static int s_running;
    private long _bytes;
    private bool _stopped;

    private AccessCounter() { }

    /// <summary>Bytes counted so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Starts counting the accesses of kernels launched from here on (in this async flow).</summary>
    public static AccessCounter Start()
    {
        var counter = new AccessCounter();
        s_current.Value = counter;
        Interlocked.Increment(ref s_running);
        return counter;
    }

    /// <summary>Stops counting; <see cref="Bytes"/> stays readable.</summary>
    public void Dispose()
    {
        if (_stopped) return;
        _stopped = true;
        if (s_current.Value == this) s_current.Value = null;
        Interlocked.Decrement(ref s_running);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Count(int bytes)
    {
        if (Volatile.Read(ref s_running) == 0) return;
        if (s_current.Value is { _stopped: false } counter) Interlocked.Add(ref counter._bytes, bytes);
    }
}
