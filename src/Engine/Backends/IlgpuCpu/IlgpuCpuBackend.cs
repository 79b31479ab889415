using GpuEngine.Backends.Ilgpu;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime.CPU;

namespace GpuEngine.Backends.IlgpuCpu;

/// <summary>
/// The kernels on ILGPU's CPUAccelerator: ILGPU's own semantics of the same kernel source, for tests and debugging.
/// Slow by design — every thread of a group is a real OS thread meeting real barriers (a tiled conv runs hundreds of
/// times slower than the cpu backend) — so BackendFactory's auto never picks it. Always available.
/// </summary>
public sealed class IlgpuCpuBackend : IlgpuBackend
{
    /// <summary>
    /// The simulated device: one multiprocessor of 8 warps of 32 threads. 256 threads per group covers every launch
    /// the engine makes (the largest groups are 16 × 16) without starting more idle threads than that.
    /// </summary>
    private static readonly CPUDevice Device = new(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 8, numMultiprocessors: 1);

    public IlgpuCpuBackend() : this(Context.Create(b => b.CPU(Device).Profiling().EnableAlgorithms())) { }

    private IlgpuCpuBackend(Context context) : base(context, context.GetCPUDevice(0).CreateCPUAccelerator(context)) { }

    public override string Name => "ilgpu-cpu";

    /// <summary>What it is, and why it is slow.</summary>
    public override string DeviceDescription =>
        $"ILGPU CPUAccelerator ({Device.MaxNumThreadsPerGroup} threads per group, warp {Device.WarpSize}): ILGPU's reference semantics, " +
        "every work item a real thread (slow)";
}
