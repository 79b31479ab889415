using GpuEngine.Backends;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

public class Int8MatMulTests
{
    public static TheoryData<string, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var backend in TestBackends.Names())
            foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 5, 4), (13, 7, 27), (9, 33, 64), (20, 3, 149) })
                data.Add(backend, m, n, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatMulDp4a_MatchesExactIntegerReference(string backendName, int m, int n, int k)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(m * 31 + n * 17 + k);
        var a = Reference.RandomInt8(random, m * k);
        var w = Reference.RandomInt8(random, n * k);
        var bias = Enumerable.Range(0, n).Select(_ => random.Next(-5000, 5000)).ToArray();
        // A multiplier in [2^30, 2^31) with a shift: a real scale of about 1/(64·k) keeps outputs spread over int8.
        int multiplier = random.Next(1 << 30, int.MaxValue);
        int shift = 5 + (int)Math.Ceiling(Math.Log2(k));
        int zeroPoint = random.Next(-10, 10);
        var output = run.Upload(new sbyte[m * n]);
        var grid = new LaunchGrid(new Dim3(8, 4), new Dim3((n + 7) / 8, (m + 3) / 4));
        run.Launch(GeneratedKernels.Int8MatMulKernels_MatMulDp4a, grid, run.Upload(a), run.Upload(w), run.Upload(bias), output,
            KernelArgument.Int(m), KernelArgument.Int(n), KernelArgument.Int(k),
            KernelArgument.Int(multiplier), KernelArgument.Int(shift), KernelArgument.Int(zeroPoint));
        var actual = run.Download<sbyte>(output);
        int saturated = 0;
        for (int r = 0; r < m; r++)
            for (int j = 0; j < n; j++)
            {
                long acc = bias[j];
                for (int i = 0; i < k; i++) acc += a[r * k + i] * w[j * k + i];
                // gemmlowp's two roundings: the doubling high multiply, then the power-of-two division.
                long high = Int8Reference.RoundHalfUp(acc * (decimal)multiplier / (1L << 31));
                long scaled = Int8Reference.RoundHalfAwayFromZero((decimal)high / (1L << shift));
                long expected = Math.Clamp(scaled + zeroPoint, -128, 127);
                if (expected is -128 or 127) saturated++;
                Assert.True(expected == actual[r * n + j], $"[{r}, {j}]: expected {expected}, got {actual[r * n + j]}");
            }
        Assert.True(saturated < m * n || m * n == 1, "every output saturated: the test's scale is too coarse");
    }
}
