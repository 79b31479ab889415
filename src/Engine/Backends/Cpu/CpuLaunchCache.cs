using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using GpuEngine.Kernels;

namespace GpuEngine.Backends.Cpu;

/// <summary>
/// Bound launches by (kernel, grid, arguments). A session's launches are prepared once and replayed with the same
/// arguments, so after the first run every launch finds its bound body here; the lookup hashes the arguments in
/// place (an alternate key over the caller's span) and allocates nothing. Kernels compare by reference, buffers by
/// reference, offsets, lengths and scalars by value. Bounded: past <see cref="Capacity"/> entries (one-off launches
/// of tests and tools over fresh buffers) it starts over, so it never keeps many dead buffers alive.
/// </summary>
internal sealed class CpuLaunchCache
{
    /// <summary>Entries kept before the cache is cleared (a large model has a few hundred launches per execution state).</summary>
    public const int Capacity = 8192;

    private readonly ConcurrentDictionary<Key, CpuLaunch> _launches;
    private readonly ConcurrentDictionary<Key, CpuLaunch>.AlternateLookup<Probe> _lookup;

    public CpuLaunchCache()
    {
        _launches = new ConcurrentDictionary<Key, CpuLaunch>(new Comparer());
        _lookup = _launches.GetAlternateLookup<Probe>();
    }

    /// <summary>The bound launch for these arguments, bound the first time they are seen.</summary>
    public CpuLaunch Get(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments, bool threadPerWorkItem)
    {
        var probe = new Probe(kernel, grid, arguments);
        if (_lookup.TryGetValue(probe, out var launch)) return launch;
        launch = new CpuLaunch(kernel, grid, arguments, threadPerWorkItem);
        if (_launches.Count >= Capacity) _launches.Clear();
        _launches.TryAdd(new Key(kernel, grid, arguments.ToArray(), probe.Hash()), launch);
        return launch;
    }

    private static int Hash(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        var hash = new HashCode();
        hash.Add(RuntimeHelpers.GetHashCode(kernel));
        hash.Add(grid);
        foreach (var a in arguments)
        {
            hash.Add(a.Buffer is null ? 0 : RuntimeHelpers.GetHashCode(a.Buffer));
            hash.Add(a.ByteOffset);
            hash.Add(a.Length);
            hash.Add(a.ScalarBits);
        }
        return hash.ToHashCode();
    }

    private static bool Same(KernelDescriptor k1, LaunchGrid g1, ReadOnlySpan<KernelArgument> a1, KernelDescriptor k2, LaunchGrid g2, ReadOnlySpan<KernelArgument> a2)
    {
        if (!ReferenceEquals(k1, k2) || g1 != g2 || a1.Length != a2.Length) return false;
        for (int i = 0; i < a1.Length; i++)
            if (!ReferenceEquals(a1[i].Buffer, a2[i].Buffer) || a1[i].ByteOffset != a2[i].ByteOffset || a1[i].Length != a2[i].Length
                || a1[i].ScalarBits != a2[i].ScalarBits)
                return false;
        return true;
    }

    /// <summary>A stored key: its own copy of the arguments, the hash computed once.</summary>
    private sealed record Key(KernelDescriptor Kernel, LaunchGrid Grid, KernelArgument[] Arguments, int Hash);

    /// <summary>A lookup key over the launching caller's arguments, without copying them.</summary>
    private readonly ref struct Probe(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        public KernelDescriptor Kernel { get; } = kernel;
        public LaunchGrid Grid { get; } = grid;
        public ReadOnlySpan<KernelArgument> Arguments { get; } = arguments;
        public int Hash() => CpuLaunchCache.Hash(Kernel, Grid, Arguments);
    }

    private sealed class Comparer : IEqualityComparer<Key>, IAlternateEqualityComparer<Probe, Key>
    {
        public bool Equals(Key? x, Key? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && Same(x.Kernel, x.Grid, x.Arguments, y.Kernel, y.Grid, y.Arguments));

        public int GetHashCode(Key key) => key.Hash;

        public bool Equals(Probe probe, Key key) => Same(probe.Kernel, probe.Grid, probe.Arguments, key.Kernel, key.Grid, key.Arguments);

        public int GetHashCode(Probe probe) => probe.Hash();

        /// <summary>Never used: <see cref="Get"/> adds through the stored key.</summary>
        public Key Create(Probe probe) => new(probe.Kernel, probe.Grid, probe.Arguments.ToArray(), probe.Hash());
    }
}
