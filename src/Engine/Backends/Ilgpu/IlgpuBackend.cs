using System.Runtime.InteropServices;
using GpuEngine.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Backends.Ilgpu;

/// <summary>
/// A backend on an ILGPU accelerator (cuda: CudaAccelerator, ilgpu-cpu: CPUAccelerator). It owns the ILGPU
/// context, the accelerator and one stream every launch, copy and event goes through. Each kernel is loaded once
/// per backend, through the descriptor's generated <see cref="KernelDescriptor.IlgpuLoader"/>; a launch then binds
/// views and scalars into a reused per-thread argument array and queues the loaded kernel (specialized values are
/// ILGPU's <c>SpecializedValue</c>, compiled and cached by ILGPU itself). Calls are serialized, and bind the
/// accelerator to the calling thread first, so the backend can be used from any thread.
/// </summary>
public abstract class IlgpuBackend : Backend
{
    [ThreadStatic] private static IlgpuArgument[]? s_scratch;

    private readonly Context _context;
    private readonly AcceleratorStream _stream;
    private readonly Dictionary<KernelDescriptor, IlgpuLauncher> _launchers = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<KernelDescriptor, IlgpuLauncher> _countingLaunchers = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();

    /// <summary>Takes ownership of <paramref name="context"/> and <paramref name="accelerator"/> (created with profiling enabled).</summary>
    protected IlgpuBackend(Context context, Accelerator accelerator)
    {
        _context = context;
        Accelerator = accelerator;
        _stream = accelerator.CreateStream();
    }

    /// <summary>The one stream every copy and launch of this backend goes through.</summary>
    protected AcceleratorStream Stream => _stream;

    /// <summary>The ILGPU accelerator this backend runs on.</summary>
    protected Accelerator Accelerator { get; }

    /// <summary>Kernels loaded so far (plain and counting variants), for tests of the load-once cache.</summary>
    internal int LoadedKernelCount { get { lock (_gate) return _launchers.Count + _countingLaunchers.Count; } }

    /// <summary>False for a descriptor the generator gave no ILGPU form (its <see cref="KernelDescriptor.IlgpuLoader"/> is null).</summary>
    public override bool Supports(KernelDescriptor kernel) => kernel.IlgpuLoader is not null;

    protected override DeviceBuffer AllocateCore(long bytes)
    {
        lock (_gate)
        {
            Accelerator.Bind();
            return new IlgpuBuffer(this, Accelerator.Allocate1D<byte>(bytes));
        }
    }

    protected override void UploadCore(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty) return;
        var view = Own(destination, "upload destination").View.SubView(byteOffset, source.Length);
        lock (_gate)
        {
            Accelerator.Bind();
            view.CopyFromCPU(_stream, ref MemoryMarshal.GetReference(source), source.Length); // waits: the host span may be reused
        }
    }

    protected override void DownloadCore(DeviceBuffer source, long byteOffset, Span<byte> destination)
    {
        if (destination.IsEmpty) return;
        var view = Own(source, "download source").View.SubView(byteOffset, destination.Length);
        lock (_gate)
        {
            Accelerator.Bind();
            view.CopyToCPU(_stream, ref MemoryMarshal.GetReference(destination), destination.Length); // waits for queued kernels
        }
    }

    protected override void LaunchCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        if (grid.IsEmpty) return;
        Enqueue(kernel, grid, arguments, total: null);
    }

    /// <summary>The counting variant, loaded once beside the plain one; <paramref name="total"/> is its extra last argument.</summary>
    protected override void LaunchCountingBuildCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments, DeviceBuffer total) =>
        Enqueue(kernel, grid, arguments, Own(total, "byte total"));

    private void Enqueue(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments, IlgpuBuffer? total)
    {
        int count = arguments.Length + (total is null ? 0 : 1);
        var scratch = s_scratch is { } s && s.Length >= count ? s : s_scratch = new IlgpuArgument[Math.Max(count, 32)];
        try
        {
            for (int i = 0; i < arguments.Length; i++) scratch[i] = Bind(kernel, kernel.Parameters[i], arguments[i]);
            if (total is not null) scratch[arguments.Length] = IlgpuArgument.ForView(total.View.SubView(0, sizeof(long)));
            var config = new KernelConfig(
                new Index3D(grid.GroupCount.X, grid.GroupCount.Y, grid.GroupCount.Z),
                new Index3D(grid.GroupSize.X, grid.GroupSize.Y, grid.GroupSize.Z));
            lock (_gate)
            {
                Accelerator.Bind();
                var launcher = Launcher(kernel, counting: total is not null);
                try
                {
                    launcher(_stream, config, scratch.AsSpan(0, count)); // a specialized kernel compiles here, once per value
                }
                catch (Exception e) when (e.GetType().Namespace?.StartsWith("ILGPU", StringComparison.Ordinal) == true)
                {
                    throw new GpuEngineException($"{Name}: kernel '{kernel.Name}' failed to compile or launch: {FirstLine(e.Message)}", e);
                }
            }
        }
        finally
        {
            Array.Clear(scratch, 0, count); // the views hold their buffers: drop them once queued
        }
    }

    /// <summary>The loaded kernel (caller holds the gate); loads it on first use.</summary>
    private IlgpuLauncher Launcher(KernelDescriptor kernel, bool counting)
    {
        var cache = counting ? _countingLaunchers : _launchers;
        if (cache.TryGetValue(kernel, out var launcher)) return launcher;
        var loader = (counting ? kernel.CountingIlgpuLoader : kernel.IlgpuLoader)
            ?? throw new NotSupportedException($"kernel '{kernel.Name}' has no ILGPU {(counting ? "counting variant" : "form")} " +
                $"(KernelDescriptor.{(counting ? "CountingIlgpuLoader" : "IlgpuLoader")} is null): the {Name} backend cannot run it");
        try
        {
            launcher = loader(Accelerator);
        }
        catch (Exception e) when (e is not GpuEngineException and not OutOfMemoryException)
        {
            throw new GpuEngineException($"{Name}: ILGPU could not load kernel '{kernel.Name}'{(counting ? " (counting variant)" : "")}: {FirstLine(e.Message)}", e);
        }
        return cache[kernel] = launcher;
    }

    /// <summary>A view as the byte range of the tensor (whole elements), a scalar as its bits.</summary>
    private IlgpuArgument Bind(KernelDescriptor kernel, KernelParameter p, KernelArgument a)
    {
        if (!a.IsView) return IlgpuArgument.ForScalar(a.ScalarBits);
        int size = ElementSize(p.ElementType);
        if (a.ByteOffset % size != 0)
            throw new ArgumentException($"kernel '{kernel.Name}' parameter '{p.Name}': byte offset {a.ByteOffset} is not a multiple of the {size}-byte element");
        var buffer = Own(a.Buffer!, $"kernel '{kernel.Name}' parameter '{p.Name}'");
        // ILGPU asserts a sub-view starts inside its parent: an empty view starts at 0.
        return IlgpuArgument.ForView(a.Length == 0 ? buffer.View.SubView(0, 0) : buffer.View.SubView(a.ByteOffset, a.Length * size));
    }

    protected override DeviceEvent RecordEventCore()
    {
        lock (_gate)
        {
            Accelerator.Bind();
            return new IlgpuEvent(this, _stream.AddProfilingMarker());
        }
    }

    protected override double ElapsedMillisecondsCore(DeviceEvent start, DeviceEvent end)
    {
        var (s, e) = (OwnEvent(start), OwnEvent(end));
        lock (_gate)
        {
            Accelerator.Bind();
            return e.Marker.MeasureFrom(s.Marker).TotalMilliseconds; // waits for the later marker
        }
    }

    protected override void SynchronizeCore()
    {
        lock (_gate)
        {
            Accelerator.Bind();
            _stream.Synchronize();
        }
    }

    /// <summary>The buffer as this backend's; a buffer of another backend is an argument error.</summary>
    private IlgpuBuffer Own(DeviceBuffer buffer, string role) =>
        buffer is IlgpuBuffer b && b.Owner == this ? b : throw new ArgumentException($"{role}: the buffer was not allocated by this {Name} backend");

    private IlgpuEvent OwnEvent(DeviceEvent evt) =>
        evt is IlgpuEvent e && e.Owner == this ? e : throw new ArgumentException($"the event was not recorded by this {Name} backend");

    /// <summary>Frees a buffer's device memory under the gate (ILGPU binds the accelerator to free it).</summary>
    internal void Free(IDisposable memory)
    {
        lock (_gate)
        {
            if (Accelerator.IsDisposed) return; // the accelerator freed its buffers already
            Accelerator.Bind();
            memory.Dispose();
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        lock (_gate)
        {
            Accelerator.Bind();
            _stream.Synchronize();
            _stream.Dispose();
            Accelerator.Dispose(); // frees the loaded kernels and any buffer still alive
            _context.Dispose();
        }
    }
}
