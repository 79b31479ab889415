using GpuEngine.Kernels;

namespace GpuEngine.Backends.OpenCl;

/// <summary>
/// One cl_kernel of a built program. Sets arguments by the device-code convention (a view is base pointer,
/// int offset, int length; a specialized scalar is skipped, it is a define) and enqueues the NDRange.
/// A cl_kernel's arguments are shared state, so <see cref="OpenClBackend"/> serializes launches.
/// </summary>
internal sealed unsafe class OpenClKernel(KernelDescriptor descriptor, nint handle) : IDisposable
{
    /// <summary>
    /// Sets every argument, then enqueues over <paramref name="grid"/> on <paramref name="queue"/>. A counting build
    /// takes <paramref name="total"/>, the launch's byte total, as its last argument.
    /// </summary>
    public void Enqueue(nint queue, OpenClBackend backend, LaunchGrid grid, ReadOnlySpan<KernelArgument> arguments, OpenClBuffer? total)
    {
        uint index = 0;
        for (int i = 0; i < descriptor.Parameters.Count; i++)
        {
            var p = descriptor.Parameters[i];
            var a = arguments[i];
            if (p.Specialized) continue;
            if (p.Kind == KernelParameterKind.View)
            {
                var buffer = backend.Own(a.Buffer!, $"kernel '{descriptor.Name}' parameter '{p.Name}'");
                nint mem = buffer.Handle;
                int offset = KernelSpecialization.ElementOffset(descriptor, p, a, OpenClBackend.SizeOf(p.ElementType));
                int length = KernelSpecialization.ElementLength(descriptor, p, a);
                Set(index++, (nuint)sizeof(nint), &mem, p.Name + "_base");
                Set(index++, sizeof(int), &offset, p.Name + "_offset");
                Set(index++, sizeof(int), &length, p.Name + "_length");
            }
            else
            {
                int bits = a.ScalarBits;
                Set(index++, sizeof(int), &bits, p.Name);
            }
        }
        if (total is not null)
        {
            nint mem = total.Handle;
            Set(index, (nuint)sizeof(nint), &mem, "gpue_total");
        }
        nuint* global = stackalloc nuint[3];
        nuint* local = stackalloc nuint[3];
        global[0] = (nuint)((long)grid.GroupSize.X * grid.GroupCount.X);
        global[1] = (nuint)((long)grid.GroupSize.Y * grid.GroupCount.Y);
        global[2] = (nuint)((long)grid.GroupSize.Z * grid.GroupCount.Z);
        local[0] = (nuint)grid.GroupSize.X;
        local[1] = (nuint)grid.GroupSize.Y;
        local[2] = (nuint)grid.GroupSize.Z;
        uint dims = grid.GroupSize.Z * grid.GroupCount.Z > 1 ? 3u : grid.GroupSize.Y * grid.GroupCount.Y > 1 ? 2u : 1u;
        OpenClException.Check(OpenClNative.clEnqueueNDRangeKernel(queue, handle, dims, null, global, local, 0, null, null),
            "clEnqueueNDRangeKernel", $"for kernel '{descriptor.Name}' (groups {grid.GroupCount}, group size {grid.GroupSize})");
    }

    private void Set(uint index, nuint size, void* value, string argument) =>
        OpenClException.Check(OpenClNative.clSetKernelArg(handle, index, size, value), "clSetKernelArg",
            $"for kernel '{descriptor.Name}' argument {index} ('{argument}'): the device code does not follow the view = (base, offset, length) convention");

    public void Dispose() => OpenClNative.clReleaseKernel(handle);
}
