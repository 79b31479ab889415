using System.Runtime.CompilerServices;

namespace GpuEngine.Kernels;

/// <summary>
/// The cpu backend's form of ILGPU's <c>SharedMemory.Allocate</c> and <c>Group.Barrier</c> (generated CPU code calls these). On the CPU they talk to the group the
/// calling thread is running (<see cref="CpuGroupContext"/>), set up by the CPU backend.
/// </summary>
public static class CpuGroup
{
    /// <summary>
    /// Group shared memory of a constant <paramref name="length"/> (a compile-time constant), declared as
    /// <c>__shared__ T name[length]</c> / <c>__local T name[length]</c>. Must initialise a local at the top
    /// level of the kernel body: <c>var tile = SharedMemory.Allocate&lt;float&gt;(256);</c> in the kernel source. Contents start undefined.
    /// </summary>
    public static View<T> Shared<T>(int length) where T : unmanaged =>
        CpuGroupContext.Current.NextShared<T>(length);

    /// <summary>Waits until every work item of the group gets here; shared and global writes before it are visible after.</summary>
    [DeviceIntrinsic("barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)")]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Barrier() => CpuGroupContext.Current.Barrier();
}
