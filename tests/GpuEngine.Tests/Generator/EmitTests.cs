using GpuEngine.Kernels;

namespace GpuEngine.Tests.Generator;

/// <summary>What the generator emits for accepted kernels: the device-code convention the backends rely on.</summary>
public class EmitTests
{
    private const string Sample = """
        public static class Sample
        {
            public const int Width = 8;

            [KernelHelper]
            public static float Scale(float x, float by) => x * by;

            [Kernel]
            public static void Saxpy(WorkItem item, View<float> x, View<float> y, float alpha, [Specialize] int unroll)
            {
                int i = item.GlobalX;
                if (i >= y.Length) return;
                float acc = 0f;
                for (int r = 0; r < unroll; r++) acc += Scale(x[i], alpha);
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
    public void CudaSignature_FollowsViewConvention()
    {
        var (_, generated) = GeneratorHarness.Run(Sample);
        Assert.Contains("extern \"\"C\"\" __global__ void Sample_Saxpy(const float* x_base, int x_offset, int x_length, float* y_base, int y_offset, int y_length, float alpha GPUE_TOTAL_PARAM)", generated);
        Assert.Contains("__kernel void Sample_Saxpy(__global const float* x_base, int x_offset, int x_length, __global float* y_base, int y_offset, int y_length, float alpha GPUE_TOTAL_PARAM)", generated);
        Assert.Contains("#ifndef unroll", generated);
        Assert.Contains("(r < unroll)", generated);
    }

    [Fact]
    public void Descriptors_DescribeParametersInOrder()
    {
        var kernel = GeneratedKernels.AddKernels_Add;
        Assert.Equal("AddKernels_Add", kernel.EntryPoint);
        Assert.Equal(["a", "b", "output", "count", "activation"], kernel.Parameters.Select(p => p.Name));
        Assert.Equal([false, false, true, false, false], kernel.Parameters.Select(p => p.Writable));
        Assert.True(kernel.Parameters[4].Specialized);
        Assert.True(GeneratedKernels.MatMulKernels_MatMulTiled.UsesBarrier);
        Assert.Equal(2 * 16 * 16 * 4, GeneratedKernels.MatMulKernels_MatMulTiled.SharedMemoryBytes);
        Assert.Contains(GeneratedKernels.All, k => k.Name == "Int8MatMulKernels.MatMulDp4a");
        // Both barrier kernels split into phases, so the CPU backend runs them without a thread per item.
        Assert.NotNull(GeneratedKernels.MatMulKernels_MatMulTiled.CpuGroupBinder);
        Assert.NotNull(GeneratedKernels.Conv2dKernels_Conv2d.CpuGroupBinder);
        Assert.Null(GeneratedKernels.AddKernels_Add.CpuGroupBinder);
    }

    [Fact]
    public void HelperNames_NeverCollideWithSpecializationMacros()
    {
        var (diagnostics, generated) = GeneratorHarness.Run("""
            public static class Macro
            {
                [KernelHelper] public static float Pick(float x, int mode) { int local = mode; return local == 1 ? x : 0f; }

                [Kernel]
                public static void Run(WorkItem item, View<float> v, [Specialize] int mode) => v[0] = Pick(v[0], mode);
            }
            """);
        Assert.Empty(diagnostics);
        Assert.Contains("Macro_Pick(float x, int mode_v)", generated);
        Assert.Contains("int local_v = mode_v;", generated);
        Assert.Contains("Macro_Pick(GPUE_AT(v, 0), mode)", generated);
    }

    [Fact]
    public void DeviceMemoryAccesses_GoThroughTheCountingMacros()
    {
        var (diagnostics, generated) = GeneratorHarness.Run("""
            public static class Counted
            {
                [KernelHelper] public static float Load(View<float> v, int i) => v[i];

                [Kernel]
                public static void Run(WorkItem item, View<float> v, View<int> hits, int n)
                {
                    var tile = Group.Shared<float>(64);
                    int i = item.GlobalX;
                    if (i >= n) return;
                    tile[item.LocalX] = Load(v, i);
                    Atomic.Add(hits, 0, 1);
                    v[i] += tile[item.LocalX];
                }
            }
            """);
        Assert.Empty(diagnostics);
        // Views: through GPUE_AT (intrinsics too); group shared memory: plain indexing, never counted.
        Assert.Contains("GPUE_AT(v, i) += tile[((int)get_local_id(0))];", generated);
        Assert.Contains("atomic_add(&GPUE_AT(hits, 0), 1);", generated);
        Assert.Contains("return GPUE_AT(v, i);", generated);
        // A helper taking views gets the work item's tally; the kernel takes the launch total last, starts its
        // tally, and adds it to the total wherever a work item leaves.
        Assert.Contains("float Counted_Load(__global const float* v, int v_length, int i GPUE_TALLY_PARAM)", generated);
        Assert.Contains("Counted_Load(v, v_length, i GPUE_TALLY_ARG)", generated);
        Assert.Contains("int hits_length, int n GPUE_TOTAL_PARAM)", generated);
        Assert.Contains("GPUE_TALLY_BEGIN();", generated);
        Assert.Contains("GPUE_TALLY_FLUSH();\n        return;", generated.Replace("\r\n", "\n"));
        Assert.EndsWith("GPUE_TALLY_FLUSH();\n}\n", Between(generated, "__kernel void Counted_Run", "\")").Replace("\r\n", "\n"));
    }

    private static string Between(string text, string start, string end)
    {
        int from = text.IndexOf(start, StringComparison.Ordinal);
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    [Theory]
    [InlineData("for (int t = 0; t < n; t++) { v[item.LocalX] += 1f; Group.Barrier(); }", true)]
    [InlineData("int limit = n * 2; for (int t = 0; t < limit; t++) { Group.Barrier(); }", true)]
    [InlineData("if (item.LocalX < n) { Group.Barrier(); }", false)]
    [InlineData("for (int t = item.LocalX; t < n; t++) { Group.Barrier(); }", false)]
    [InlineData("if (n < 0) return; Group.Barrier();", false)]
    public void BarrierKernels_SplitIntoPhasesOnlyWhenBarriersAreUniform(string body, bool split)
    {
        var (diagnostics, generated) = GeneratorHarness.Run($$"""
            public static class Phases
            {
                [Kernel]
                public static void Run(WorkItem item, View<float> v, int n) { {{body}} }
            }
            """);
        Assert.Empty(diagnostics);
        Assert.Contains("UsesBarrier = true", generated);
        Assert.Equal(split, generated.Contains("CpuGroupBinder = ", StringComparison.Ordinal));
    }
}
