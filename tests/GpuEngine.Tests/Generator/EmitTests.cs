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
        Assert.Contains("extern \"\"C\"\" __global__ void Sample_Saxpy(const float* x_base, int x_offset, int x_length, float* y_base, int y_offset, int y_length, float alpha)", generated);
        Assert.Contains("__kernel void Sample_Saxpy(__global const float* x_base, int x_offset, int x_length, __global float* y_base, int y_offset, int y_length, float alpha)", generated);
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
        Assert.Contains("Macro_Pick(v[0], mode)", generated);
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
