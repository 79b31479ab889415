using GpuEngine.Kernels;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// Hand-written descriptors following the generator's device-code convention (a view is base, offset, length;
/// a specialized scalar is a -D GPUE_S_name define), in OpenCL C, for backend tests that must not depend on the generator.
/// </summary>
internal static class TestKernels
{
    private static KernelParameter In(string name) => new(name, KernelParameterKind.View, KernelElementType.Float32);
    private static KernelParameter Out(string name) => new(name, KernelParameterKind.View, KernelElementType.Float32, Writable: true);

    /// <summary>c[i] = a[i] + scale * b[i] over c's length.</summary>
    public static readonly KernelDescriptor ScaledAdd = new("ScaledAdd", "scaled_add",
        [In("a"), In("b"), Out("c"), new("scale", KernelParameterKind.Scalar, KernelElementType.Float32)],
        """
        __kernel void scaled_add(__global const float* a_base, int a_offset, int a_length,
            __global const float* b_base, int b_offset, int b_length, __global float* c_base, int c_offset, int c_length, float scale)
        {
            int i = get_global_id(0);
            if (i < c_length) c_base[c_offset + i] = a_base[a_offset + i] + scale * b_base[b_offset + i];
        }
        """);

    /// <summary>sums[g] = sum of x over group g's 64 elements: group memory and barriers (tree reduction).</summary>
    public static readonly KernelDescriptor GroupSum = new("GroupSum", "group_sum",
        [In("x"), Out("sums")],
        """
        __kernel void group_sum(__global const float* x_base, int x_offset, int x_length, __global float* sums_base, int sums_offset, int sums_length)
        {
            __local float tile[64];
            int t = get_local_id(0), i = get_group_id(0) * 64 + t;
            tile[t] = i < x_length ? x_base[x_offset + i] : 0.0f;
            barrier(CLK_LOCAL_MEM_FENCE);
            for (int s = 32; s > 0; s >>= 1) { if (t < s) tile[t] += tile[t + s]; barrier(CLK_LOCAL_MEM_FENCE); }
            if (t == 0) sums_base[sums_offset + get_group_id(0)] = tile[0];
        }
        """);

    /// <summary>y[i] = x[i] * factor + bias, where factor is specialized (a define) and bias an ordinary int argument; int8 in, int32 out.</summary>
    public static readonly KernelDescriptor Affine = new("Affine", "affine",
        [new("x", KernelParameterKind.View, KernelElementType.Int8), new("y", KernelParameterKind.View, KernelElementType.Int32, Writable: true),
         new("factor", KernelParameterKind.Scalar, KernelElementType.Int32, Specialized: true), new("bias", KernelParameterKind.Scalar, KernelElementType.Int32)],
        """
        __kernel void affine(__global const char* x_base, int x_offset, int x_length, __global int* y_base, int y_offset, int y_length, int bias)
        {
            int i = get_global_id(0);
            if (i < y_length) y_base[y_offset + i] = x_base[x_offset + i] * GPUE_S_factor + bias;
        }
        """);

    /// <summary>
    /// Counting build only: every work item adds 6 GiB plus its global id to the launch's byte total, so the total
    /// runs far past 32 bits (OpenCL keeps it as two 32-bit words with a carry). It takes no arguments but the total
    /// (GPUE_TOTAL_PARAM_ALONE), and rides on a generated unit (Relu's) for the counting prelude.
    /// </summary>
    public static readonly KernelDescriptor LargeTallies = new("LargeTallies", "large_tallies", [],
        GeneratedKernels.ActivationKernels_Relu.OpenClSource + """
        __kernel void large_tallies(GPUE_TOTAL_PARAM_ALONE)
        {
            GPUE_TALLY_BEGIN();
            gpue_tally = LargeTally + get_global_id(0);
            GPUE_TALLY_FLUSH();
        }
        """.Replace("LargeTally", "0x180000000UL"));

    /// <summary>The total <see cref="LargeTallies"/> reaches over <paramref name="items"/> work items.</summary>
    public static long LargeTalliesTotal(int items) => items * 0x180000000L + (long)items * (items - 1) / 2;

    /// <summary>A kernel whose OpenCL C does not compile (undeclared identifier), for build-error reporting.</summary>
    public static readonly KernelDescriptor Broken = new("BrokenKernel", "broken", [Out("y")],
        """__kernel void broken(__global float* y_base, int y_offset, int y_length) { y_base[0] = undeclared_thing; }""");
}
