using Microsoft.CodeAnalysis;

namespace GpuEngine.Kernels.Generator.Emit
{
    /// <summary>OpenCL C 1.2 (what PoCL reports): no integer dot product, no float atomics, so both are emulated.</summary>
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

        // dp4a by sign-extending shifts: (x << 24) >> 24 is byte 0 as a signed value, and so on.
        // The counting build's launch total is 64 bits as two 32-bit words (low, high) with a carry: 32-bit global
        // atomics are core OpenCL, 64-bit ones an extension. Each wrap of the low word is seen by exactly the adder
        // that caused it, so high·2^32 + low is exact once every work item has added.
        private const string Support = @"#define GPUE_FN
#define GPUE_I64 long
#define GPUE_U64 ulong
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
int gpue_dp4a(int a, int b, int c) {
    return c + ((a << 24) >> 24) * ((b << 24) >> 24) + ((a << 16) >> 24) * ((b << 16) >> 24)
             + ((a << 8) >> 24) * ((b << 8) >> 24) + (a >> 24) * (b >> 24);
}
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
#define GPUE_LOAD4(p, i) ((int)((unsigned int)(unsigned char)GPUE_AT(p, (i)) | ((unsigned int)(unsigned char)GPUE_AT(p, (i) + 1) << 8) \
    | ((unsigned int)(unsigned char)GPUE_AT(p, (i) + 2) << 16) | ((unsigned int)(unsigned char)GPUE_AT(p, (i) + 3) << 24)))
GPUE_FN int gpue_rounding_divide_by_pot(int x, int exponent) {
    int mask = (int)(((GPUE_I64)1 << exponent) - 1);
    int remainder = x & mask;
    int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}
GPUE_FN int gpue_srdhm(int a, int b) {
    if (a == b && a == (-2147483647 - 1)) return 2147483647;
    GPUE_I64 ab = (GPUE_I64)a * (GPUE_I64)b;
    GPUE_I64 nudge = ab >= 0 ? ((GPUE_I64)1 << 30) : (1 - ((GPUE_I64)1 << 30));
    return (int)((ab + nudge) / ((GPUE_I64)1 << 31));
}
";
    }
}
