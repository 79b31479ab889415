using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Kernels;

public class AddTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var backend in TestBackends.Names())
            foreach (int activation in new[] { FusedActivation.None, FusedActivation.Relu, FusedActivation.Relu6 })
                foreach (int count in new[] { 3, 517, 4096 + 13 })
                    data.Add(backend, activation, count);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Add_WithFusedActivation_MatchesReference(string backendName, int activation, int count)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(count * 7 + activation);
        var a = Reference.RandomFloats(random, count, 5f);
        var b = Reference.RandomFloats(random, count, 5f);
        var output = run.Upload(new float[count]);
        // A grid smaller than the tensor exercises the kernel's grid-stride loop.
        var grid = new LaunchGrid(new Dim3(32), new Dim3(Math.Max(1, count / 100)));
        run.Launch(GeneratedKernels.AddKernels_Add, grid, run.Upload(a), run.Upload(b), output, KernelArgument.Int(count), KernelArgument.Int(activation));
        var expected = new double[count];
        for (int i = 0; i < count; i++)
        {
            double sum = (double)a[i] + b[i];
            expected[i] = activation == FusedActivation.Relu ? Math.Max(sum, 0) : activation == FusedActivation.Relu6 ? Math.Clamp(sum, 0, 6) : sum;
        }
        Reference.AssertClose(expected, run.Download<float>(output));
    }
}
