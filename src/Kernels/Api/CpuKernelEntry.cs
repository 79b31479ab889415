namespace GpuEngine.Kernels;

/// <summary>One launch argument as the CPU backend hands it to a generated binder: a view over a managed array or 32 scalar bits.</summary>
public readonly struct CpuArgument(Array? array, long byteOffset, int length, int scalarBits)
{
    /// <summary>A view argument over <paramref name="array"/>.</summary>
    public static CpuArgument ForView(Array array, long byteOffset, int length) => new(array, byteOffset, length, 0);

    /// <summary>A scalar argument holding <paramref name="bits"/> (an int, or a float's bits).</summary>
    public static CpuArgument ForScalar(int bits) => new(null, 0, 0, bits);

    /// <summary>The view; throws when this argument is a scalar.</summary>
    public View<T> AsView<T>() where T : unmanaged =>
        new(array ?? throw new InvalidOperationException("argument is a scalar, not a view"), byteOffset, length);

    /// <summary>The scalar as int.</summary>
    public int AsInt() => scalarBits;

    /// <summary>The scalar as float.</summary>
    public float AsFloat() => BitConverter.Int32BitsToSingle(scalarBits);
}

/// <summary>Runs the kernel body for one work item, arguments already bound.</summary>
public delegate void CpuKernelBody(in WorkItem item);

/// <summary>Binds launch arguments (kernel parameter order) once per launch; generated per kernel.</summary>
public delegate CpuKernelBody CpuKernelBinder(ReadOnlySpan<CpuArgument> arguments);

/// <summary>Runs every work item of one group (local ids in <paramref name="group"/> are ignored), barriers included.</summary>
public delegate void CpuGroupBody(in WorkItem group);

/// <summary>Binds launch arguments once per launch for the whole-group CPU entry of a barrier kernel.</summary>
public delegate CpuGroupBody CpuGroupBinder(ReadOnlySpan<CpuArgument> arguments);

/// <summary>Members the generator fills in beside the device-side contract.</summary>
public sealed partial record KernelDescriptor
{
    /// <summary>Binds arguments to the C# kernel method; the CPU backend calls the result per work item.</summary>
    public CpuKernelBinder? CpuBinder { get; init; }

    /// <summary>
    /// For barrier kernels whose barriers sit at the top level (or in uniform for-loops): the body split into
    /// phases at each barrier, each phase a loop over the group's work items. Null where that split does not
    /// apply; the CPU backend then runs one thread per work item.
    /// </summary>
    public CpuGroupBinder? CpuGroupBinder { get; init; }

    /// <summary>Whether the kernel calls <c>Group.Barrier()</c>: the CPU backend then runs a group's work items concurrently.</summary>
    public bool UsesBarrier { get; init; }

    /// <summary>Bytes of group shared memory the kernel declares.</summary>
    public int SharedMemoryBytes { get; init; }
}
