using System.Globalization;
using GpuEngine.Backends.Ilgpu;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GpuEngine.Backends.Cuda;

/// <summary>
/// The kernels on CUDA device 0 through ILGPU's CudaAccelerator: ILGPU compiles each kernel to PTX once per
/// backend (and per specialized value), the driver JIT-compiles it for the GPU, launches and copies go through one
/// stream, and latency comes from CUDA events (ILGPU profiling markers). Every allocation is one device allocation.
/// Without a driver or a GPU the constructor throws <see cref="BackendUnavailableException"/> with one plain reason.
/// </summary>
public sealed class CudaBackend : IlgpuBackend
{
    /// <summary>Opens device 0; throws <see cref="BackendUnavailableException"/> with a plain reason when it cannot.</summary>
    public CudaBackend() : this(Open()) { }

    private CudaBackend((Context Context, CudaAccelerator Accelerator) opened) : base(opened.Context, opened.Accelerator)
    {
        DeviceDescription = Describe(opened.Accelerator.Device);
        HasInt8TensorCores = ((CudaDevice)opened.Accelerator.Device).Architecture is { Major: >= 8 };
    }

    public override string Name => "cuda";

    /// <summary>Whether the GPU runs <c>mma.sync.aligned.m16n8k32</c> on s8 (sm_80 and later).</summary>
    public bool HasInt8TensorCores { get; }

    /// <summary>Every ILGPU kernel, except the int8 tensor-core convs (NCHW, NHWC) below sm_80 (their mma would not JIT-compile there).</summary>
    public override bool Supports(GpuEngine.Kernels.KernelDescriptor kernel) =>
        base.Supports(kernel) && (HasInt8TensorCores || !(ReferenceEquals(kernel, GpuEngine.Kernels.IlgpuOnlyKernels.Int8TensorCoreConv2d)
            || ReferenceEquals(kernel, GpuEngine.Kernels.IlgpuOnlyKernels.Int8TensorCoreConv2dNhwc)));

    /// <summary>The GPU's SM count (ILGPU's NumMultiprocessors).</summary>
    public override int ConcurrentGroups => Accelerator.NumMultiprocessors;

    /// <summary>Device name, compute capability (sm_XX), SM count, memory, driver version and the PTX ISA ILGPU emits.</summary>
    public override string DeviceDescription { get; }

    /// <summary>
    /// A graph replay on this backend's stream, through the real driver: the session captures its launches once and
    /// replays them (see <see cref="CudaGraphReplay"/>).
    /// </summary>
    internal CudaGraphReplay CreateGraphReplay(Action<string> warn) => new(new CudaGraphDriver(), ((CudaStream)Stream).StreamPtr, warn);

    private static (Context, CudaAccelerator) Open()
    {
        if (!CudaDriver.IsPresent())
            throw new BackendUnavailableException("CUDA", $"no CUDA driver ({CudaDriver.LibraryName} not found); install the NVIDIA driver");
        int init = CudaDriver.Init();
        if (init != 0) throw new BackendUnavailableException("CUDA", CudaDriver.DescribeInitError(init));
        Context? context = null;
        try
        {
            // ILGPU lists only devices whose architecture and driver it can target; it swallows driver errors itself. O2, as
            // the PTX proof compiles (PtxCompiler.Optimization): at O1 a CudaAsm out operand round-trips through local memory.
            context = Context.Create(b => b.Cuda().Profiling().EnableAlgorithms().Optimize(GpuEngine.Diagnostics.Ptx.PtxCompiler.Optimization));
            var devices = context.GetCudaDevices();
            if (devices.Count == 0) throw new BackendUnavailableException("CUDA", WhyNoDevice());
            return (context, devices[0].CreateCudaAccelerator(context));
        }
        catch (Exception e)
        {
            context?.Dispose();
            if (e is BackendUnavailableException) throw;
            // A driver that loads but cannot start (no device node, a version mismatch): one line, the driver's words.
            throw new BackendUnavailableException("CUDA", $"the CUDA driver did not start ({e.GetType().Name}: {e.Message.Split('\n', 2)[0].Trim()})");
        }
    }

    /// <summary>No GPU at all, or GPUs ILGPU cannot target (an architecture or driver version it does not know).</summary>
    private static string WhyNoDevice()
    {
        var all = CudaDevice.GetDevices(_ => true);
        if (all.Length == 0) return "no CUDA GPU found (the driver is installed but lists no device)";
        var first = (CudaDevice)all[0];
        return $"ILGPU 1.5.3 cannot target {first.Name} ({Arch(first)}, CUDA driver {first.DriverVersion})";
    }

    private static string Arch(CudaDevice d) => d.Architecture is { } a ? $"sm_{a.Major}{a.Minor}" : "unknown architecture";

    /// <summary>"NVIDIA H200, sm_90, 132 SMs, 139.8 GiB, CUDA driver 12.4, PTX ISA 7.8".</summary>
    private static string Describe(Device device)
    {
        var d = (CudaDevice)device;
        string gib = (d.MemorySize / (1024.0 * 1024 * 1024)).ToString("F1", CultureInfo.InvariantCulture);
        string isa = d.InstructionSet is { } i ? $", PTX ISA {i.Major}.{i.Minor}" : "";
        return $"{d.Name}, {Arch(d)}, {d.NumMultiprocessors} SMs, {gib} GiB, CUDA driver {d.DriverVersion}{isa} (ILGPU)";
    }
}
