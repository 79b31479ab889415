using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Kernels;

public class MatMulTests
{
    public static TheoryData<string, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var backend in TestBackends.Names())
            foreach (var (m, n, k) in new[] { (1, 1, 1), (17, 9, 33), (40, 31, 7), (5, 70, 50) })
                data.Add(backend, m, n, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatMulTiled_MatchesFloat64Reference(string backendName, int m, int n, int k)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(m * 10007 + n * 101 + k);
        var a = Reference.RandomFloats(random, m * k);
        var b = Reference.RandomFloats(random, k * n);
        var c = run.Upload(new float[m * n]);
        const int tile = MatMulKernels.Tile;
        var grid = new LaunchGrid(new Dim3(tile, tile), new Dim3((n + tile - 1) / tile, (m + tile - 1) / tile));
        run.Launch(GeneratedKernels.MatMulKernels_MatMulTiled, grid, run.Upload(a), run.Upload(b), c,
            KernelArgument.Int(m), KernelArgument.Int(n), KernelArgument.Int(k));
        var expected = new double[m * n];
        for (int r = 0; r < m; r++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int i = 0; i < k; i++) sum += (double)a[r * k + i] * b[i * n + j];
                expected[r * n + j] = sum;
            }
        Reference.AssertClose(expected, run.Download<float>(c), rtol: 1e-4, atol: 1e-4 * k);
    }
}
