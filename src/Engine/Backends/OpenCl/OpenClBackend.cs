using GpuEngine.Kernels;

namespace GpuEngine.Backends.OpenCl;

/// <summary>
/// Runs the generated OpenCL C through any OpenCL 1.2 driver (PoCL on CI machines). Picks the first GPU device
/// of any platform, else the first device of any kind; one context and one in-order queue with profiling on.
/// Programs are built per (source, specialization defines) and cached in memory (<see cref="OpenClCompiler"/>).
/// Throws <see cref="BackendUnavailableException"/> when libOpenCL.so.1, a platform or a device is missing.
/// The backend owns its buffers' context: dispose buffers and events before the backend.
/// </summary>
public sealed unsafe class OpenClBackend : Backend
{
    private readonly nint _context;
    private readonly nint _queue;
    private readonly OpenClCompiler _compiler;
    private readonly Lock _gate = new();

    /// <summary>Finds a device and creates the context and queue; throws <see cref="BackendUnavailableException"/> if there is none.</summary>
    public OpenClBackend()
    {
        if (!OpenClNative.IsLoaderPresent())
            throw new BackendUnavailableException("OpenCL", $"{OpenClNative.Library} not found (install ocl-icd-libopencl1 and a driver such as pocl-opencl-icd)");
        PoclCacheDirectory.EnsureWritable();
        var (platform, device) = OpenClDevice.Find();
        Device = device;
        DeviceDescription = OpenClDevice.Describe(platform, device);
        int error;
        _context = OpenClNative.clCreateContext(null, 1, &device, 0, 0, &error);
        OpenClException.Check(error, "clCreateContext", $"on {DeviceDescription}");
        _queue = OpenClNative.clCreateCommandQueue(_context, device, OpenClNative.QueueProfilingEnable, &error);
        if (error != OpenClNative.Success)
        {
            OpenClNative.clReleaseContext(_context);
            OpenClException.Check(error, "clCreateCommandQueue", $"on {DeviceDescription}");
        }
        _compiler = new OpenClCompiler(_context, device);
    }

    public override string Name => "opencl";

    /// <summary>Platform, device, vendor, compute units, OpenCL C version and driver version.</summary>
    public override string DeviceDescription { get; }

    internal nint Device { get; }

    /// <summary>True for an OpenCL CPU device (PoCL here): the host's own cores.</summary>
    public override bool IsHostCpu => OpenClDevice.IsCpu(Device);

    /// <summary>Twice the device's compute units.</summary>
    public override int ConcurrentGroups => 2 * OpenClDevice.ComputeUnits(Device);

    /// <summary>Programs built so far (cache misses), for tests of the specialization cache.</summary>
    internal int ProgramBuildCount => _compiler.BuildCount;

    /// <summary>False when the kernel has no OpenCL text (the generator leaves it empty for a construct OpenCL lacks).</summary>
    public override bool Supports(KernelDescriptor kernel) => !string.IsNullOrWhiteSpace(kernel.OpenClSource);

    protected override DeviceBuffer AllocateCore(long bytes)
    {
        int error;
        nint mem = OpenClNative.clCreateBuffer(_context, OpenClNative.MemReadWrite, (nuint)bytes, null, &error);
        OpenClException.Check(error, "clCreateBuffer", $"for {bytes} bytes on {DeviceDescription}");
        return new OpenClBuffer(this, mem, bytes);
    }

    protected override void UploadCore(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty) return;
        var buffer = Own(destination, "upload destination");
        fixed (byte* p = source)
            OpenClException.Check(OpenClNative.clEnqueueWriteBuffer(_queue, buffer.Handle, 1, (nuint)byteOffset, (nuint)source.Length, p, 0, null, null),
                "clEnqueueWriteBuffer", $"of {source.Length} bytes at offset {byteOffset}");
    }

    protected override void DownloadCore(DeviceBuffer source, long byteOffset, Span<byte> destination)
    {
        if (destination.IsEmpty) return;
        var buffer = Own(source, "download source");
        fixed (byte* p = destination)
            OpenClException.Check(OpenClNative.clEnqueueReadBuffer(_queue, buffer.Handle, 1, (nuint)byteOffset, (nuint)destination.Length, p, 0, null, null),
                "clEnqueueReadBuffer", $"of {destination.Length} bytes at offset {byteOffset}");
    }

    protected override void LaunchCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        if (grid.IsEmpty) return;
        Enqueue(kernel, grid, arguments, KernelSpecialization.Defines(kernel, arguments), total: null);
    }

    /// <summary>The counting build is cached beside the plain one (its own defines).</summary>
    protected override void LaunchCountingBuildCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments, DeviceBuffer total) =>
        Enqueue(kernel, grid, arguments, KernelSpecialization.CountingDefines(kernel, arguments), (OpenClBuffer)total);

    private void Enqueue(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments, IReadOnlyList<string> defines, OpenClBuffer? total)
    {
        // cl_kernel arguments are shared state between threads: set-and-enqueue must not interleave.
        lock (_gate) _compiler.GetKernel(kernel, defines).Enqueue(_queue, this, grid, arguments, total);
    }

    protected override DeviceEvent RecordEventCore()
    {
        nint evt;
        OpenClException.Check(OpenClNative.clEnqueueMarkerWithWaitList(_queue, 0, null, &evt), "clEnqueueMarkerWithWaitList");
        return new OpenClEvent(this, evt);
    }

    protected override double ElapsedMillisecondsCore(DeviceEvent start, DeviceEvent end)
    {
        var (s, e) = (OwnEvent(start), OwnEvent(end));
        nint* events = stackalloc nint[2] { s.Handle, e.Handle };
        OpenClException.Check(OpenClNative.clWaitForEvents(2, events), "clWaitForEvents");
        // A marker completes when everything queued before it has: the span between the markers' END stamps
        // is the device time of the work recorded between them.
        ulong from = Timestamp(s.Handle, OpenClNative.ProfilingCommandEnd);
        ulong to = Timestamp(e.Handle, OpenClNative.ProfilingCommandEnd);
        return (long)(to - from) / 1e6;
    }

    protected override void SynchronizeCore() => OpenClException.Check(OpenClNative.clFinish(_queue), "clFinish");

    private static ulong Timestamp(nint evt, uint which)
    {
        ulong ns;
        OpenClException.Check(OpenClNative.clGetEventProfilingInfo(evt, which, sizeof(ulong), &ns, null), "clGetEventProfilingInfo");
        return ns;
    }

    /// <summary>The buffer as this backend's own, or an ArgumentException naming <paramref name="role"/>.</summary>
    internal OpenClBuffer Own(DeviceBuffer buffer, string role) =>
        buffer is OpenClBuffer b && b.Owner == this ? b : throw new ArgumentException($"{role}: the buffer was not allocated by this OpenCL backend");

    private OpenClEvent OwnEvent(DeviceEvent evt) =>
        evt is OpenClEvent e && e.Owner == this ? e : throw new ArgumentException("the event was not recorded by this OpenCL backend");

    /// <summary>Bytes per element of a view's element type, as the kernel's x_offset counts them.</summary>
    internal static int SizeOf(KernelElementType type) => ElementSize(type);

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        OpenClNative.clFinish(_queue);
        _compiler.Dispose();
        OpenClNative.clReleaseCommandQueue(_queue);
        OpenClNative.clReleaseContext(_context);
    }
}
