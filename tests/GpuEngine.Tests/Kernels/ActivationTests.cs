using GpuEngine.Backends;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

public class ActivationTests
{
    public static TheoryData<string> Backends() => TestBackends.Available();

    [Theory]
    [MemberData(nameof(Backends))]
    public void Relu_MatchesReference(string backendName)
    {
        foreach (int count in new[] { 1, 255, 1000, 4099 })
            Check(backendName, GeneratedKernels.ActivationKernels_Relu, count, x => Math.Max(x, 0));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Relu6_MatchesReference(string backendName)
    {
        foreach (int count in new[] { 1, 37, 1023, 5000 })
            Check(backendName, GeneratedKernels.ActivationKernels_Relu6, count, x => Math.Min(Math.Max(x, 0), 6));
    }

    private static void Check(string backendName, KernelDescriptor kernel, int count, Func<double, double> reference)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var input = Reference.RandomFloats(new Random(count), count, range: 10f);
        var x = run.Upload(input);
        var y = run.Upload(new float[count]);
        run.Launch(kernel, LaunchGrid.Linear(count, 64), x, y, KernelArgument.Int(count));
        Reference.AssertClose(input.Select(v => reference(v)).ToArray(), run.Download<float>(y), 0, 0);
    }
}
