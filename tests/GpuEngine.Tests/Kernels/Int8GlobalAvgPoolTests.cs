using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Kernels;

public class Int8GlobalAvgPoolTests
{
    public static TheoryData<string, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var backend in TestBackends.Names())
            foreach (var (planes, pixels, inputZp) in new[] { (3, 1, 0), (4, 49, 0), (2, 323, -7) })
                data.Add(backend, planes, pixels, inputZp);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8GlobalAvgPool_IsBitExact(string backendName, int planes, int pixels, int inputZp)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(planes * 100 + pixels);
        var input = Reference.RandomInt8(random, planes * pixels);
        // Output scale 0.9 × input scale: the multiplier carries 1 / (0.9 · pixels).
        var (multiplier, shift) = Int8Requant.FromReal(1 / (0.9 * pixels));
        const int outputZp = 2;
        var output = run.Upload(new sbyte[planes]);
        run.Launch(GeneratedKernels.Int8GlobalAvgPoolKernels_Int8GlobalAvgPool,
            new LaunchGrid(new Dim3(Int8GlobalAvgPoolKernels.Threads), new Dim3(planes)),
            [run.Upload(input), output, .. new[] { pixels, inputZp, multiplier, shift, outputZp }.Select(KernelArgument.Int)]);
        var expected = new sbyte[planes];
        for (int p = 0; p < planes; p++)
        {
            long sum = 0;
            for (int i = 0; i < pixels; i++) sum += input[p * pixels + i] - inputZp;
            expected[p] = Int8Requant.Apply(sum, multiplier, shift, outputZp, -128, 127);
        }
        Assert.Equal(expected, run.Download<sbyte>(output));
    }
}
