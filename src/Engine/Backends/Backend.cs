using System.Buffers.Binary;
using GpuEngine.Kernels;

namespace GpuEngine.Backends;

/// <summary>
/// A compute device the engine runs kernels on: cpu (the C# kernels themselves), ilgpu-cpu and cuda (ILGPU
/// accelerators), opencl.
/// Public members check their arguments, then call the protected <c>…Core</c> members each backend implements.
/// A backend owns the buffers it allocates; disposing the backend releases the device context.
/// </summary>
public abstract class Backend : IDisposable
{
    private bool _disposed;

    /// <summary>Short name as typed after --device: cpu, ilgpu-cpu, opencl, cuda.</summary>
    public abstract string Name { get; }

    /// <summary>The device in words (vendor, model, compute units, driver), for reports.</summary>
    public abstract string DeviceDescription { get; }

    /// <summary>Allocates <paramref name="bytes"/> of device memory (contents undefined).</summary>
    public DeviceBuffer Allocate(long bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        return AllocateCore(bytes);
    }

    /// <summary>Copies host bytes into a device buffer at a byte offset (blocking).</summary>
    public void Upload(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source)
    {
        CheckRange(destination, byteOffset, source.Length);
        UploadCore(destination, byteOffset, source);
    }

    /// <summary>Copies device bytes at a byte offset to the host (blocking: waits for queued work).</summary>
    public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination)
    {
        CheckRange(source, byteOffset, destination.Length);
        DownloadCore(source, byteOffset, destination);
    }

    /// <summary>
    /// Queues a kernel over <paramref name="grid"/>. <paramref name="arguments"/> follow the kernel's
    /// parameter list, specialized scalars included (OpenCL turns those into compile-time defines, ILGPU into
    /// SpecializedValue arguments).
    /// </summary>
    public void Launch(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        CheckArguments(kernel, arguments);
        LaunchCore(kernel, grid, arguments);
    }

    /// <summary>
    /// Runs one launch as <see cref="Launch"/> does (same results) and returns the bytes it loaded and stored in
    /// device memory: each element access through a view adds its element size, group shared memory is not counted,
    /// a read-modify-write of one element counts once. Device backends run the kernel's counting build
    /// (<c>-D GPUE_COUNT_BYTES</c>, see docs/kernels.md), the cpu backend an <see cref="AccessCounter"/>; both count
    /// the same accesses of the same C#. Waits for the launch to finish.
    /// </summary>
    public long LaunchCounting(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        CheckArguments(kernel, arguments);
        return LaunchCountingCore(kernel, grid, arguments);
    }

    private void CheckArguments(KernelDescriptor kernel, ReadOnlySpan<KernelArgument> arguments)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (arguments.Length != kernel.Parameters.Count)
            throw new ArgumentException($"kernel '{kernel.Name}' takes {kernel.Parameters.Count} arguments, got {arguments.Length}");
        for (int i = 0; i < arguments.Length; i++)
        {
            var p = kernel.Parameters[i];
            if ((p.Kind == KernelParameterKind.View) != arguments[i].IsView)
                throw new ArgumentException($"kernel '{kernel.Name}' parameter '{p.Name}' is a {p.Kind}, argument {i} is not");
            if (arguments[i].IsView) CheckRange(arguments[i].Buffer!, arguments[i].ByteOffset, arguments[i].Length * ElementSize(p.ElementType));
        }
    }

    /// <summary>Records a timing event in the device's queue.</summary>
    public DeviceEvent RecordEvent() => RecordEventCore();

    /// <summary>Milliseconds between two recorded events, measured by the device (waits for the later one).</summary>
    public double ElapsedMilliseconds(DeviceEvent start, DeviceEvent end) => ElapsedMillisecondsCore(start, end);

    /// <summary>Waits until all queued work has finished.</summary>
    public void Synchronize() => SynchronizeCore();

    /// <summary>
    /// Roughly how many groups the device runs at once, for tactics that ask whether a grid fills it (split-k): cuda
    /// its SM count, opencl twice its compute units, cpu and ilgpu-cpu twice the host's threads.
    /// </summary>
    public virtual int ConcurrentGroups => 2 * Environment.ProcessorCount;

    /// <summary>
    /// Whether this backend's device is the host's own CPU under another API (an OpenCL CPU device such as PoCL). auto
    /// passes such a device over for the cpu device, whose SIMD kernels run the same cores faster.
    /// </summary>
    public virtual bool IsHostCpu => false;

    /// <summary>Whether this backend can run the kernel (a missing intrinsic, say). Tests report false as a skip.</summary>
    public virtual bool Supports(KernelDescriptor kernel) => true;

    protected abstract DeviceBuffer AllocateCore(long bytes);
    protected abstract void UploadCore(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source);
    protected abstract void DownloadCore(DeviceBuffer source, long byteOffset, Span<byte> destination);
    protected abstract void LaunchCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments);

    /// <summary>
    /// Device backends: the counting build adds every work item's bytes to a zeroed 64-bit total in device memory,
    /// read back after the launch (the download waits for it). The cpu backend overrides this with its counter.
    /// </summary>
    protected virtual long LaunchCountingCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        if (grid.IsEmpty) return 0;
        Span<byte> total = stackalloc byte[sizeof(long)];
        total.Clear();
        using var buffer = AllocateCore(total.Length);
        UploadCore(buffer, 0, total);
        LaunchCountingBuildCore(kernel, grid, arguments, buffer);
        DownloadCore(buffer, 0, total);
        return BinaryPrimitives.ReadInt64LittleEndian(total);
    }

    /// <summary>Queues the kernel's counting build (<c>-D GPUE_COUNT_BYTES</c>) with <paramref name="total"/> as its extra last argument.</summary>
    protected virtual void LaunchCountingBuildCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments, DeviceBuffer total) =>
        throw new NotSupportedException($"the {Name} backend has no counting build");

    protected abstract DeviceEvent RecordEventCore();
    protected abstract double ElapsedMillisecondsCore(DeviceEvent start, DeviceEvent end);
    protected abstract void SynchronizeCore();

    protected static int ElementSize(KernelElementType type) => type switch
    {
        KernelElementType.Float32 or KernelElementType.Int32 => 4,
        _ => 1,
    };

    private void CheckRange(DeviceBuffer buffer, long byteOffset, long bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (byteOffset < 0 || bytes < 0 || byteOffset + bytes > buffer.Bytes)
            throw new ArgumentOutOfRangeException(nameof(byteOffset), $"bytes [{byteOffset}, {byteOffset + bytes}) fall outside a {buffer.Bytes}-byte buffer");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing) { }
}

/// <summary>Device memory owned by the backend that allocated it. Dispose to free it.</summary>
public abstract class DeviceBuffer(long bytes) : IDisposable
{
    public long Bytes { get; } = bytes;
    public abstract void Dispose();
}

/// <summary>A point in a device queue, for timing with <see cref="Backend.ElapsedMilliseconds"/>.</summary>
public abstract class DeviceEvent : IDisposable
{
    public virtual void Dispose() { }
}

/// <summary>Group size and group count in up to three dimensions (unused dimensions are 1).</summary>
public readonly record struct LaunchGrid(Dim3 GroupSize, Dim3 GroupCount)
{
    /// <summary>No work items (an empty tensor): not an error, but device APIs reject a zero-sized launch.</summary>
    public bool IsEmpty => GroupSize.Volume == 0 || GroupCount.Volume == 0;

    /// <summary>A 1-D grid covering <paramref name="threads"/> work items in groups of <paramref name="groupSize"/>.</summary>
    public static LaunchGrid Linear(long threads, int groupSize = 256) =>
        new(new Dim3(groupSize), new Dim3((int)((threads + groupSize - 1) / groupSize)));
}

/// <summary>Three extents; unspecified ones are 1.</summary>
public readonly record struct Dim3(int X, int Y = 1, int Z = 1)
{
    public long Volume => (long)X * Y * Z;
}

/// <summary>A kernel argument: a view (buffer, byte offset, element count) or a 32-bit scalar.</summary>
public readonly struct KernelArgument
{
    private KernelArgument(DeviceBuffer? buffer, long byteOffset, long length, int bits)
    {
        Buffer = buffer;
        ByteOffset = byteOffset;
        Length = length;
        ScalarBits = bits;
    }

    public DeviceBuffer? Buffer { get; }
    public long ByteOffset { get; }
    public long Length { get; }
    public int ScalarBits { get; }
    public bool IsView => Buffer is not null;

    public static KernelArgument View(DeviceBuffer buffer, long byteOffset, long elements) => new(buffer, byteOffset, elements, 0);
    public static KernelArgument Int(int value) => new(null, 0, 0, value);
    public static KernelArgument Float(float value) => new(null, 0, 0, BitConverter.SingleToInt32Bits(value));
}
