using Microsoft.CodeAnalysis;

namespace GpuEngine.Kernels.Generator.Emit
{
    /// <summary>CUDA C as NVRTC compiles it; a guarded preamble lets plain clang (no CUDA headers) compile it too.</summary>
    internal static class CudaDialect
    {
        /// <summary>The dialect table.</summary>
        public static readonly Dialect Instance = Create();

        private static Dialect Create()
        {
            var d = new Dialect
            {
                Name = "cuda",
                KernelQualifier = "extern \"C\" __global__ void",
                HelperQualifier = "static __device__ __forceinline__ ",
                GlobalSpace = "",
                SharedQualifier = "__shared__ ",
                LongSuffix = "LL",
                TemplateIndex = 0,
                Prelude = Preamble + Support,
            };
            d.Types[SpecialType.System_Boolean] = "bool";
            d.Types[SpecialType.System_SByte] = "signed char";
            d.Types[SpecialType.System_Byte] = "unsigned char";
            d.Types[SpecialType.System_Int16] = "short";
            d.Types[SpecialType.System_UInt16] = "unsigned short";
            d.Types[SpecialType.System_Int32] = "int";
            d.Types[SpecialType.System_UInt32] = "unsigned int";
            d.Types[SpecialType.System_Int64] = "long long";
            d.Types[SpecialType.System_UInt64] = "unsigned long long";
            d.Types[SpecialType.System_Single] = "float";
            d.Types[SpecialType.System_Void] = "void";
            return d;
        }

        // NVRTC defines the CUDA keywords, thread-id registers and math functions itself; clang with
        // -nocudainc does not, so the CI compile check gets them from here (thread ids from clang's builtin header).
        private const string Preamble = @"#ifndef __CUDACC_RTC__
#include <__clang_cuda_builtin_vars.h>
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __shared__ __attribute__((shared))
#define __forceinline__ __inline__ __attribute__((always_inline))
extern ""C"" __device__ float expf(float); extern ""C"" __device__ float logf(float);
extern ""C"" __device__ float sqrtf(float); extern ""C"" __device__ float rsqrtf(float);
extern ""C"" __device__ float floorf(float); extern ""C"" __device__ float ceilf(float);
extern ""C"" __device__ float tanhf(float); extern ""C"" __device__ float fabsf(float);
extern ""C"" __device__ float fminf(float, float); extern ""C"" __device__ float fmaxf(float, float);
extern ""C"" __device__ float fmaf(float, float, float); extern ""C"" __device__ float rintf(float);
static __device__ __forceinline__ int atomicAdd(int* p, int v) { return __nvvm_atom_add_gen_i(p, v); }
static __device__ __forceinline__ float atomicAdd(float* p, float v) { return __nvvm_atom_add_gen_f(p, v); }
static __device__ __forceinline__ int atomicMax(int* p, int v) { return __nvvm_atom_max_gen_i(p, v); }
static __device__ __forceinline__ unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) { return __nvvm_atom_add_gen_ll((long long*)p, (long long)v); }
static __device__ __forceinline__ int __dp4a(int a, int b, int c) { int d; asm(""dp4a.s32.s32 %0, %1, %2, %3;"" : ""=r""(d) : ""r""(a), ""r""(b), ""r""(c)); return d; }
#endif
";

        // The counting build's launch total: one 64-bit word, added to with the native 64-bit atomic.
        private const string Support = @"#define GPUE_FN static __device__ __forceinline__
#define GPUE_I64 long long
#define GPUE_U64 unsigned long long
#ifdef GPUE_COUNT_BYTES
#define GPUE_TOTAL_DECL unsigned long long* gpue_total
#define GPUE_TALLY_FLUSH() atomicAdd(gpue_total, gpue_tally)
#endif
static __device__ __forceinline__ int gpue_min(int a, int b) { return a < b ? a : b; }
static __device__ __forceinline__ int gpue_max(int a, int b) { return a > b ? a : b; }
static __device__ __forceinline__ float gpue_min(float a, float b) { return fminf(a, b); }
static __device__ __forceinline__ float gpue_max(float a, float b) { return fmaxf(a, b); }
static __device__ __forceinline__ int gpue_clamp(int x, int lo, int hi) { return gpue_min(gpue_max(x, lo), hi); }
static __device__ __forceinline__ float gpue_clamp(float x, float lo, float hi) { return fminf(fmaxf(x, lo), hi); }
static __device__ __forceinline__ int gpue_abs(int x) { return x < 0 ? -x : x; }
" + SharedSupport.Text;
    }
}
