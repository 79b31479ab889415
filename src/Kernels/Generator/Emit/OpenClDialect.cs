using Microsoft.CodeAnalysis;

namespace GpuEngine.Kernels.Generator.Emit
{
    /// <summary>OpenCL C 1.2 (what PoCL reports): no float atomics, so float add is emulated; dp4a is Int8Math.Dot4's portable body.</summary>
    internal static class OpenClDialect
    {
        /// <summary>The dialect table.</summary>
        public static readonly Dialect Instance = Create();

        private static Dialect Create()
        {
            var d = new Dialect
            {
                Name = "opencl",
                KernelQualifier = "__kernel void",
                HelperQualifier = "",
                GlobalSpace = "__global ",
                SharedQualifier = "__local ",
                LongSuffix = "L",
                Prelude = Support,
            };
            d.Types[SpecialType.System_Boolean] = "bool";
            d.Types[SpecialType.System_SByte] = "char";
            d.Types[SpecialType.System_Byte] = "uchar";
            d.Types[SpecialType.System_Int16] = "short";
            d.Types[SpecialType.System_UInt16] = "ushort";
            d.Types[SpecialType.System_Int32] = "int";
            d.Types[SpecialType.System_UInt32] = "uint";
            d.Types[SpecialType.System_Int64] = "long";
            d.Types[SpecialType.System_UInt64] = "ulong";
            d.Types[SpecialType.System_Single] = "float";
            d.Types[SpecialType.System_Void] = "void";
            return d;
        }

        // The counting build's launch total is 64 bits as two 32-bit words (low, high) with a carry: 32-bit global
        // atomics are core OpenCL, 64-bit ones an extension. Each wrap of the low word is seen by exactly the adder
        // that caused it, so high·2^32 + low is exact once every work item has added.
        private const string Support = @"#define GPUE_U64 ulong
#ifdef GPUE_COUNT_BYTES
#define GPUE_TOTAL_DECL __global uint* gpue_total
#define GPUE_TALLY_FLUSH() gpue_add_total(gpue_total, gpue_tally)
void gpue_add_total(volatile __global uint* total, ulong bytes) {
    uint low = (uint)bytes;
    uint high = (uint)(bytes >> 32);
    uint before = atomic_add(&total[0], low);
    if (before + low < before) high++;
    if (high != 0) atomic_add(&total[1], high);
}
#endif
float gpue_atomic_add_float(volatile __global float* p, float v) {
    union { unsigned int u; float f; } seen, next;
    do { seen.f = *p; next.f = seen.f + v; }
    while (atomic_cmpxchg((volatile __global unsigned int*)p, seen.u, next.u) != seen.u);
    return seen.f;
}
" + SharedSupport.Text;
    }

    /// <summary>
    /// Support code of the OpenCL prelude (plain C). Device-memory element
    /// accesses go through GPUE_AT. Compiled with -D GPUE_COUNT_BYTES (the profiler's measured bytes), GPUE_AT adds the
    /// element's size to the work item's private tally (a comma expression yielding the element's address, so the
    /// access stays an lvalue), helpers that take views receive the tally's address, and the kernel adds the tally
    /// to the launch total, an extra last argument, wherever the work item leaves it. Without the define these
    /// macros are plain indexing and nothing.
    /// </summary>
    internal static class SharedSupport
    {
        public const string Text = @"#ifdef GPUE_COUNT_BYTES
#define GPUE_AT(p, i) (*(*gpue_count += sizeof(*(p)), (p) + (i)))
#define GPUE_TALLY_BEGIN() GPUE_U64 gpue_tally = 0; GPUE_U64* gpue_count = &gpue_tally
#define GPUE_TALLY_PARAM , GPUE_U64* gpue_count
#define GPUE_TALLY_ARG , gpue_count
#define GPUE_TOTAL_PARAM , GPUE_TOTAL_DECL
#define GPUE_TOTAL_PARAM_ALONE GPUE_TOTAL_DECL
#else
#define GPUE_AT(p, i) ((p)[(i)])
#define GPUE_TALLY_BEGIN()
#define GPUE_TALLY_PARAM
#define GPUE_TALLY_ARG
#define GPUE_TOTAL_PARAM
#define GPUE_TOTAL_PARAM_ALONE
#define GPUE_TALLY_FLUSH()
#endif
";
    }
}
