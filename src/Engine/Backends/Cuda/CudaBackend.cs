using System.Text;
using GpuEngine.Kernels;

namespace GpuEngine.Backends.Cuda;

/// <summary>
/// Runs the generated CUDA C on device 0 through the driver API: NVRTC compiles it (cached on disk and in memory,
/// per specialization defines), the module is loaded into the device's primary context and launched on the
/// default stream; events time the work between them. Throws <see cref="BackendUnavailableException"/> when
/// libcuda.so.1, NVRTC or a device is missing. Every driver call runs with the context made current on the
/// calling thread first, so the backend can be used from any thread (launches are serialized).
/// Dispose buffers and events before the backend.
/// </summary>
public sealed unsafe class CudaBackend : Backend
{
    private readonly int _device;
    private readonly nint _context;
    private readonly CudaCompiler _compiler;
    private readonly Dictionary<(string Source, string Defines, string Entry), CudaKernel> _kernels = [];
    private readonly Lock _gate = new();

    /// <summary>Opens device 0; throws <see cref="BackendUnavailableException"/> with a plain reason when it cannot.</summary>
    public CudaBackend()
    {
        (_device, var nvrtc) = CudaDevice.Open();
        int cc = CudaDevice.ComputeCapability(_device);
        nint context;
        CudaException.Check(CudaNative.cuDevicePrimaryCtxRetain(&context, _device), "cuDevicePrimaryCtxRetain");
        _context = context;
        try
        {
            MakeCurrent();
            _compiler = new CudaCompiler(nvrtc, cc);
            DeviceDescription = $"{CudaDevice.Describe(_device)}, {_compiler.Description}";
        }
        catch
        {
            CudaNative.cuDevicePrimaryCtxRelease_v2(_device);
            throw;
        }
    }

    public override string Name => "cuda";

    /// <summary>Device name, compute capability, SM count, memory, driver and NVRTC versions.</summary>
    public override string DeviceDescription { get; }

    /// <summary>Modules compiled or loaded so far (cache misses in memory), for tests of the specialization cache.</summary>
    internal int ModuleLoadCount { get; private set; }

    /// <summary>False: the CUDA C text is gone; this backend is being replaced by ILGPU's CudaAccelerator.</summary>
    public override bool Supports(KernelDescriptor kernel) => false;

    protected override DeviceBuffer AllocateCore(long bytes)
    {
        MakeCurrent();
        ulong pointer;
        CudaException.Check(CudaNative.cuMemAlloc_v2(&pointer, (nuint)bytes), "cuMemAlloc", $"for {bytes} bytes");
        return new CudaBuffer(this, pointer, bytes);
    }

    protected override void UploadCore(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty) return;
        var buffer = Own(destination, "upload destination");
        MakeCurrent();
        fixed (byte* p = source)
            CudaException.Check(CudaNative.cuMemcpyHtoD_v2(buffer.Pointer + (ulong)byteOffset, p, (nuint)source.Length), "cuMemcpyHtoD",
                $"of {source.Length} bytes at offset {byteOffset}");
    }

    protected override void DownloadCore(DeviceBuffer source, long byteOffset, Span<byte> destination)
    {
        if (destination.IsEmpty) return;
        var buffer = Own(source, "download source");
        MakeCurrent();
        // Synchronous on the legacy default stream: waits for the kernels queued before it.
        fixed (byte* p = destination)
            CudaException.Check(CudaNative.cuMemcpyDtoH_v2(p, buffer.Pointer + (ulong)byteOffset, (nuint)destination.Length), "cuMemcpyDtoH",
                $"of {destination.Length} bytes at offset {byteOffset}");
    }

    protected override void LaunchCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments)
    {
        if (grid.IsEmpty) return;
        Enqueue(kernel, grid, arguments, KernelSpecialization.Defines(kernel, arguments), total: null);
    }

    /// <summary>The counting build is cached beside the plain one (its own defines).</summary>
    protected override void LaunchCountingBuildCore(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments, DeviceBuffer total) =>
        Enqueue(kernel, grid, arguments, KernelSpecialization.CountingDefines(kernel, arguments), (CudaBuffer)total);

    private void Enqueue(KernelDescriptor kernel, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments, IReadOnlyList<string> defines, CudaBuffer? total)
    {
        lock (_gate)
        {
            MakeCurrent();
            Kernel(kernel, defines).Launch(this, grid, arguments, total);
        }
    }

    private CudaKernel Kernel(KernelDescriptor kernel, IReadOnlyList<string> defines)
    {
        var key = (kernel.Name, string.Join(' ', defines), kernel.EntryPoint);
        if (_kernels.TryGetValue(key, out var cached)) return cached;
        byte[] image = _compiler.Compile(kernel, defines);
        nint module, function;
        fixed (byte* p = image) CudaException.Check(CudaNative.cuModuleLoadData(&module, p), "cuModuleLoadData", $"for kernel '{kernel.Name}'");
        fixed (byte* name = Encoding.UTF8.GetBytes(kernel.EntryPoint + "\0"))
        {
            int result = CudaNative.cuModuleGetFunction(&function, module, name);
            if (result != 0) CudaNative.cuModuleUnload(module);
            CudaException.Check(result, "cuModuleGetFunction", $"for kernel '{kernel.Name}' entry point '{kernel.EntryPoint}' (is it extern \"C\"?)");
        }
        ModuleLoadCount++;
        return _kernels[key] = new CudaKernel(kernel, module, function);
    }

    protected override DeviceEvent RecordEventCore()
    {
        MakeCurrent();
        nint evt;
        CudaException.Check(CudaNative.cuEventCreate(&evt, 0), "cuEventCreate");
        CudaException.Check(CudaNative.cuEventRecord(evt, 0), "cuEventRecord");
        return new CudaEvent(this, evt);
    }

    protected override double ElapsedMillisecondsCore(DeviceEvent start, DeviceEvent end)
    {
        var (s, e) = (OwnEvent(start), OwnEvent(end));
        MakeCurrent();
        CudaException.Check(CudaNative.cuEventSynchronize(e.Handle), "cuEventSynchronize");
        float ms;
        CudaException.Check(CudaNative.cuEventElapsedTime(&ms, s.Handle, e.Handle), "cuEventElapsedTime");
        return ms;
    }

    protected override void SynchronizeCore()
    {
        MakeCurrent();
        CudaException.Check(CudaNative.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    /// <summary>Makes the primary context current on this thread (driver state is per thread).</summary>
    internal void MakeCurrent() => CudaException.Check(CudaNative.cuCtxSetCurrent(_context), "cuCtxSetCurrent");

    /// <summary>Makes the context current, ignoring failure: for disposal paths, which must not throw.</summary>
    internal void TryMakeCurrent() => CudaNative.cuCtxSetCurrent(_context);

    internal void Free(ulong pointer)
    {
        TryMakeCurrent();
        CudaNative.cuMemFree_v2(pointer);
    }

    internal CudaBuffer Own(DeviceBuffer buffer, string role) =>
        buffer is CudaBuffer b && b.Owner == this ? b : throw new ArgumentException($"{role}: the buffer was not allocated by this CUDA backend");

    private CudaEvent OwnEvent(DeviceEvent evt) =>
        evt is CudaEvent e && e.Owner == this ? e : throw new ArgumentException("the event was not recorded by this CUDA backend");

    internal static int SizeOf(KernelElementType type) => ElementSize(type);

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        TryMakeCurrent();
        CudaNative.cuCtxSynchronize();
        foreach (var k in _kernels.Values) k.Dispose();
        _kernels.Clear();
        CudaNative.cuDevicePrimaryCtxRelease_v2(_device);
    }
}
