using GpuEngine.Backends;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

public class BatchNorm2dTests
{
    public static TheoryData<string, int, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int, int>();
        foreach (var backend in TestBackends.Names())
            foreach (var (n, c, h, w) in new[] { (1, 3, 1, 1), (2, 5, 7, 9), (3, 17, 4, 3) })
                data.Add(backend, n, c, h, w);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BatchNorm2d_MatchesFloat64Reference(string backendName, int n, int c, int h, int w)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(n * 100 + c * 10 + h + w);
        int count = n * c * h * w;
        var input = Reference.RandomFloats(random, count);
        var gamma = Reference.RandomFloats(random, c, 2f);
        var beta = Reference.RandomFloats(random, c);
        var mean = Reference.RandomFloats(random, c);
        var variance = Reference.RandomFloats(random, c, 1f).Select(v => v * v + 0.01f).ToArray();
        const float eps = 1e-5f;
        var output = run.Upload(new float[count]);
        // A grid smaller than the tensor exercises the grid-stride loop.
        run.Launch(GeneratedKernels.BatchNorm2dKernels_BatchNorm2d, LaunchGrid.Linear(Math.Min(count, 100), 32),
            run.Upload(input), run.Upload(gamma), run.Upload(beta), run.Upload(mean), run.Upload(variance), output,
            KernelArgument.Int(c), KernelArgument.Int(h * w), KernelArgument.Int(count), KernelArgument.Float(eps));
        var expected = new double[count];
        for (int i = 0; i < count; i++)
        {
            int ch = i / (h * w) % c;
            expected[i] = (input[i] - (double)mean[ch]) / Math.Sqrt((double)variance[ch] + eps) * gamma[ch] + beta[ch];
        }
        Reference.AssertClose(expected, run.Download<float>(output), rtol: 1e-5, atol: 1e-5);
    }
}
