using GpuEngine.Kernels;

namespace GpuEngine.Backends.Cuda;

/// <summary>
/// A loaded module and its entry function. Builds cuLaunchKernel's <c>void**</c> argument array by the
/// device-code convention: a view is (CUdeviceptr base, int offset, int length); a scalar is its 32 bits;
/// a specialized scalar is skipped (it was compiled in as a define). Dispose unloads the module.
/// </summary>
internal sealed unsafe class CudaKernel(KernelDescriptor descriptor, nint module, nint function) : IDisposable
{
    /// <summary>
    /// Launches on the default stream over <paramref name="grid"/>. A counting build takes <paramref name="total"/>,
    /// the launch's byte total, as its last argument.
    /// </summary>
    public void Launch(CudaBackend backend, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments, CudaBuffer? total)
    {
        int count = total is null ? 0 : 1;
        foreach (var p in descriptor.Parameters)
            count += p.Specialized ? 0 : p.Kind == KernelParameterKind.View ? 3 : 1;
        // One 8-byte slot per kernel argument; cuLaunchKernel reads each parameter's own size from its slot
        // (8 bytes for a pointer, 4 for an int or float: the low half, on little-endian hosts).
        ulong* slots = stackalloc ulong[Math.Max(1, count)];
        nint* pointers = stackalloc nint[Math.Max(1, count)];
        int k = 0;
        for (int i = 0; i < descriptor.Parameters.Count; i++)
        {
            var p = descriptor.Parameters[i];
            var a = arguments[i];
            if (p.Specialized) continue;
            if (p.Kind == KernelParameterKind.View)
            {
                var buffer = backend.Own(a.Buffer!, $"kernel '{descriptor.Name}' parameter '{p.Name}'");
                slots[k++] = buffer.Pointer;
                slots[k++] = (uint)KernelSpecialization.ElementOffset(descriptor, p, a, CudaBackend.SizeOf(p.ElementType));
                slots[k++] = (uint)KernelSpecialization.ElementLength(descriptor, p, a);
            }
            else
            {
                slots[k++] = (uint)a.ScalarBits;
            }
        }
        if (total is not null) slots[k] = total.Pointer;
        for (int j = 0; j < count; j++) pointers[j] = (nint)(slots + j);
        CudaException.Check(CudaNative.cuLaunchKernel(function,
                (uint)grid.GroupCount.X, (uint)grid.GroupCount.Y, (uint)grid.GroupCount.Z,
                (uint)grid.GroupSize.X, (uint)grid.GroupSize.Y, (uint)grid.GroupSize.Z,
                0, 0, pointers, null),
            "cuLaunchKernel", $"for kernel '{descriptor.Name}' (groups {grid.GroupCount}, group size {grid.GroupSize})");
    }

    public void Dispose() => CudaNative.cuModuleUnload(module);
}
