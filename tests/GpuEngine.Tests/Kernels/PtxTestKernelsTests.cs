using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// The PTX tests' own kernels compute what they claim, on ILGPU's CPU accelerator (the portable dp4a body), against
/// float64 and integer loops: so the proof is of working kernels, not of code that merely assembles.
/// </summary>
public class PtxTestKernelsTests
{
    /// <summary>A CPU device that runs groups of 256 (4 threads a warp, 64 warps): the test kernels' group sizes.</summary>
    private static readonly CPUDevice GroupOf256 = new(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 64, numMultiprocessors: 1);

    [Fact]
    public void TiledGemm_WithRelu6_MatchesFloat64()
    {
        const int m = 70, n = 67, k = 13;
        var random = new Random(7);
        float[] a = [.. Enumerable.Range(0, m * k).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        float[] b = [.. Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() * 4 - 2))];
        using var context = Context.Create(builder => builder.CPU(GroupOf256));
        using var accelerator = context.CreateCPUAccelerator(0);
        var kernel = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, SpecializedValue<int>>(PtxTestKernels.TiledGemm);
        using var da = accelerator.Allocate1D(a);
        using var db = accelerator.Allocate1D(b);
        using var dc = accelerator.Allocate1D<float>(m * n);
        var grid = new Index2D((n + PtxTestKernels.Tile - 1) / PtxTestKernels.Tile, (m + PtxTestKernels.Tile - 1) / PtxTestKernels.Tile);
        kernel(new KernelConfig(grid, new Index2D(PtxTestKernels.Threads, PtxTestKernels.Threads)), da.View, db.View, dc.View, m, n, k, SpecializedValue.New(2));
        var c = dc.GetAsArray1D();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++) sum += (double)a[i * k + p] * b[p * n + j];
                Assert.Equal(Math.Clamp(sum, 0, 6), c[i * n + j], 1e-5);
            }
    }

    [Fact]
    public void Dp4aDot_MatchesSignedByteProducts()
    {
        const int rows = 37, words = 5;
        var random = new Random(3);
        int[] a = [.. Enumerable.Range(0, rows * words).Select(_ => random.Next(int.MinValue, int.MaxValue))];
        int[] b = [.. Enumerable.Range(0, words).Select(_ => random.Next(int.MinValue, int.MaxValue))];
        using var context = Context.Create(builder => builder.CPU(GroupOf256));
        using var accelerator = context.CreateCPUAccelerator(0);
        var kernel = accelerator.LoadStreamKernel<ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int>(PtxTestKernels.Dp4aDot);
        using var da = accelerator.Allocate1D(a);
        using var db = accelerator.Allocate1D(b);
        using var dot = accelerator.Allocate1D<int>(rows);
        kernel(new KernelConfig(1, 256), da.View, db.View, dot.View, rows, words);
        var result = dot.GetAsArray1D();
        for (int r = 0; r < rows; r++)
        {
            long expected = 0;
            for (int w = 0; w < words; w++)
                for (int byteIndex = 0; byteIndex < 4; byteIndex++)
                    expected += (long)(sbyte)((uint)a[r * words + w] >> (8 * byteIndex)) * (sbyte)((uint)b[w] >> (8 * byteIndex));
            Assert.Equal(expected, result[r]);
        }
    }
}
