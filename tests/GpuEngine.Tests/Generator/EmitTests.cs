using GpuEngine.Kernels;

namespace GpuEngine.Tests.Generator;

/// <summary>What the generator emits for accepted ILGPU kernels: the OpenCL convention and the CPU form the backends rely on.</summary>
public class EmitTests
{
    private const string Sample = """
        public struct SaxpyParams { public float Alpha; public int Count; }

        public static class Sample
        {
            public const int Width = 8;

            public static float Scale(float x, float by) => x * by;

            [Kernel]
            public static void Saxpy(ArrayView<float> x, ArrayView<float> y, SaxpyParams p, SpecializedValue<int> unroll)
            {
                int i = Grid.GlobalIndex.X;
                if (i >= y.IntLength || i >= p.Count) return;
                float acc = 0f;
                for (int r = 0; r < unroll.Value; r++) acc += Scale(x[i], p.Alpha);
                uint bits = (uint)i >> 1;
                y[i] = acc + (bits % Width == 0 ? 1f : 0f);
            }
        }
        """;

    [Fact]
    public void AcceptedKernel_HasNoDiagnostics()
    {
        var (diagnostics, generated) = GeneratorHarness.Run(Sample);
        Assert.Empty(diagnostics);
        Assert.Contains("public static global::GpuEngine.Kernels.KernelDescriptor Sample_Saxpy", generated);
    }

    [Fact]
    public void OpenClSignature_FlattensTheParameterStruct_AndPrefixesSpecializedValues()
    {
        var (_, generated) = GeneratorHarness.Run(Sample);
        Assert.Contains("__kernel void Sample_Saxpy(__global const float* x_base, int x_offset, int x_length, __global float* y_base, int y_offset, int y_length, float p_Alpha, int p_Count GPUE_TOTAL_PARAM)", generated);
        Assert.Contains("#ifndef GPUE_S_unroll", generated);
        Assert.Contains("(r < GPUE_S_unroll)", generated);
        Assert.Contains("((int)get_global_id(0))", generated);
        // Descriptor parameters stay flat: views, the struct's fields in order, then the specialized value.
        Assert.Contains("new(\"p.Alpha\", global::GpuEngine.Kernels.KernelParameterKind.Scalar, global::GpuEngine.Kernels.KernelElementType.Float32", generated);
        Assert.Contains("new(\"unroll\", global::GpuEngine.Kernels.KernelParameterKind.Scalar, global::GpuEngine.Kernels.KernelElementType.Int32, Writable: false, Specialized: true)", generated);
    }

    [Fact]
    public void IlgpuLoaders_AreTypedAndRebuildTheParameterStruct()
    {
        var (_, generated) = GeneratorHarness.Run(Sample);
        Assert.Contains("LoadKernel<global::ILGPU.ArrayView<float>, global::ILGPU.ArrayView<float>, global::SaxpyParams, global::ILGPU.Runtime.SpecializedValue<int>>(accelerator, global::Sample.Saxpy)", generated);
        Assert.Contains("new global::SaxpyParams { Alpha = a[2].AsFloat(), Count = a[3].AsInt() }", generated);
        Assert.Contains("global::ILGPU.Runtime.SpecializedValue.New(a[4].AsInt())", generated);
        Assert.Contains(", global::ILGPU.ArrayView<long>>(accelerator, global::GpuEngine.Kernels.Counting.Sample.Saxpy)", generated);
    }

    [Fact]
    public void Descriptors_DescribeParametersInOrder()
    {
        var kernel = GeneratedKernels.AddKernels_Add;
        Assert.Equal("AddKernels_Add", kernel.EntryPoint);
        Assert.Equal(["a", "b", "output", "count", "activation"], kernel.Parameters.Select(p => p.Name));
        Assert.Equal([false, false, true, false, false], kernel.Parameters.Select(p => p.Writable));
        Assert.True(kernel.Parameters[4].Specialized);
        Assert.Equal("p.Batch", GeneratedKernels.Conv2dKernels_Conv2d.Parameters[4].Name);
        Assert.Equal(4 + 17 + 1, GeneratedKernels.Conv2dKernels_Conv2d.Parameters.Count);
        Assert.True(GeneratedKernels.MatMulKernels_MatMulTiled.UsesBarrier);
        Assert.Equal(2 * 16 * 16 * 4, GeneratedKernels.MatMulKernels_MatMulTiled.SharedMemoryBytes);
        Assert.Contains(GeneratedKernels.All, k => k.Name == "Int8MatMulKernels.MatMulDp4a");
        // Both barrier kernels split into phases, so the CPU backend runs them without a thread per item.
        Assert.NotNull(GeneratedKernels.MatMulKernels_MatMulTiled.CpuGroupBinder);
        Assert.NotNull(GeneratedKernels.Conv2dKernels_Conv2d.CpuGroupBinder);
        Assert.Null(GeneratedKernels.AddKernels_Add.CpuGroupBinder);
        Assert.All(GeneratedKernels.All, k => Assert.NotNull(k.Method));
        Assert.All(GeneratedKernels.All, k => Assert.NotNull(k.IlgpuLoader));
        Assert.All(GeneratedKernels.All, k => Assert.NotNull(k.CountingIlgpuLoader));
    }

    [Fact]
    public void SpecializationMacros_AreLeftAlone_ByHelperNames()
    {
        var (diagnostics, generated) = GeneratorHarness.Run("""
            public static class Macro
            {
                public static float Pick(float x, int mode) { int local = mode; return local == 1 ? x : 0f; }

                [Kernel]
                public static void Run(ArrayView<float> v, SpecializedValue<int> mode) => v[0] = Pick(v[0], mode);
            }
            """);
        Assert.Empty(diagnostics);
        // The macro is GPUE_S_mode, so a helper's own 'mode' (or a header's) can never be rewritten by it.
        Assert.Contains("Macro_Pick(float x, int mode)", generated);
        Assert.Contains("Macro_Pick(GPUE_AT(v, 0), GPUE_S_mode)", generated);
    }

    [Fact]
    public void CudaAsm_KeepsOnlyThePortableBody()
    {
        var (diagnostics, generated) = GeneratorHarness.Run("""
            public static class Asm
            {
                public static int Dot(int a, int b)
                {
                    if (ILGPU.Runtime.Cuda.CudaAsm.IsSupported)
                    {
                        ILGPU.Runtime.Cuda.CudaAsm.Emit("mul.lo.s32 %0, %1, %2;", out int r, a, b);
                        return r;
                    }
                    return a * b;
                }

                [Kernel]
                public static void Run(ArrayView<int> v) => v[0] = Dot(v[1], v[2]);
            }
            """);
        Assert.Empty(diagnostics);
        Assert.DoesNotContain("mul.lo", Between(generated, "__kernel", "\")"));
        Assert.Contains("int Asm_Dot(int a, int b)", generated);
    }

    [Fact]
    public void DeviceMemoryAccesses_GoThroughTheCountingMacros()
    {
        var (diagnostics, generated) = GeneratorHarness.Run("""
            public static class Counted
            {
                public static float Load(ArrayView<float> v, int i) => v[i];

                [Kernel]
                public static void Run(ArrayView<float> v, ArrayView<int> hits, int n)
                {
                    var tile = SharedMemory.Allocate<float>(64);
                    int i = Grid.GlobalIndex.X;
                    if (i >= n) return;
                    tile[Group.IdxX] = Load(v, i);
                    Atomic.Add(ref hits[0], 1);
                    v[i] += tile[Group.IdxX];
                }
            }
            """);
        Assert.Empty(diagnostics);
        // Views: through GPUE_AT (intrinsics too); group shared memory: plain indexing, never counted.
        Assert.Contains("GPUE_AT(v, i) += tile[((int)get_local_id(0))];", generated);
        Assert.Contains("atomic_add(&GPUE_AT(hits, 0), 1);", generated);
        Assert.Contains("return GPUE_AT(v, i);", generated);
        Assert.Contains("float Counted_Load(__global const float* v, int v_length, int i GPUE_TALLY_PARAM)", generated);
        Assert.Contains("Counted_Load(v, v_length, i GPUE_TALLY_ARG)", generated);
        Assert.Contains("int hits_length, int n GPUE_TOTAL_PARAM)", generated);
        Assert.Contains("GPUE_TALLY_BEGIN();", generated);
        Assert.Contains("GPUE_TALLY_FLUSH();\n        return;", generated.Replace("\r\n", "\n"));
        Assert.EndsWith("GPUE_TALLY_FLUSH();\n}\n", Between(generated, "__kernel void Counted_Run", "\")").Replace("\r\n", "\n"));
        // The ILGPU counting variant: the same accesses tallied, helpers taking views get the tally, every exit adds it.
        Assert.Contains("v[global::GpuEngine.Kernels.CountingTally.At(ref tally__, i, 4)]", generated);
        Assert.Contains("global::GpuEngine.Kernels.Counting.Counted.Load(v, i, ref tally__)", generated);
        Assert.Contains("{ global::ILGPU.Atomic.Add(ref total__[0], tally__); return; }", generated);
    }

    private static string Between(string text, string start, string end)
    {
        int from = text.IndexOf(start, StringComparison.Ordinal);
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    [Theory]
    [InlineData("for (int t = 0; t < n; t++) { v[Group.IdxX] += 1f; Group.Barrier(); }", true)]
    [InlineData("int limit = n * 2; for (int t = 0; t < limit; t++) { Group.Barrier(); }", true)]
    [InlineData("if (Group.IdxX < n) { Group.Barrier(); }", false)]
    [InlineData("for (int t = Group.IdxX; t < n; t++) { Group.Barrier(); }", false)]
    [InlineData("if (n < 0) return; Group.Barrier();", false)]
    public void BarrierKernels_SplitIntoPhasesOnlyWhenBarriersAreUniform(string body, bool split)
    {
        var (diagnostics, generated) = GeneratorHarness.Run($$"""
            public static class Phases
            {
                [Kernel]
                public static void Run(ArrayView<float> v, int n) { {{body}} }
            }
            """);
        Assert.Empty(diagnostics);
        Assert.Contains("UsesBarrier = true", generated);
        Assert.Equal(split, generated.Contains("CpuGroupBinder = ", StringComparison.Ordinal));
    }
}
