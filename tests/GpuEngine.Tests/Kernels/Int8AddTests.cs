using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Quantization;

namespace GpuEngine.Tests.Kernels;

public class Int8AddTests
{
    /// <summary>Input scales a finer, equal and coarser than b; output scale finer and coarser than both; no clamp, ReLU, ReLU6.</summary>
    public static TheoryData<string, double, double, double, int> Cases()
    {
        var data = new TheoryData<string, double, double, double, int>();
        foreach (var backend in TestBackends.Names())
            foreach (var (a, b, o, activation) in new[] { (0.03, 0.05, 0.06, 0), (0.05, 0.05, 0.04, 1), (0.11, 0.013, 0.09, 2) })
                data.Add(backend, a, b, o, activation);
        return data;
    }

    /// <summary>
    /// TFLite's quantized add re-derived on exact arithmetic: each input shifted left 20 bits and rescaled with gemmlowp's two
    /// roundings, the int32 sum rescaled to the output; bit-exact on every backend. And against float64: the result is
    /// the real sum a·scaleA + b·scaleB to within half an output step (plus the rescales' tiny error), where it is not clamped.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8Add_MatchesTheIntegerReferenceAndTheRealSum(string backendName, double scaleA, double scaleB, double scaleOut, int activation)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(activation + 7);
        const int count = 777;
        var a = Reference.RandomInt8(random, count);
        var b = Reference.RandomInt8(random, count);
        var (m, s) = QuantMath.AddRescales(scaleA, scaleB, scaleOut);
        var (lo, hi) = Int8Requant.Clamp(activation, 0);
        var output = run.Upload(new sbyte[count]);
        run.Launch(GeneratedKernels.Int8AddKernels_Int8Add, LaunchGrid.Linear(256, 64),
            [run.Upload(a), run.Upload(b), output, .. new[] { count, m[0], s[0], m[1], s[1], m[2], s[2], lo, hi }.Select(KernelArgument.Int)]);
        var actual = run.Download<sbyte>(output);

        var expected = new sbyte[count];
        for (int i = 0; i < count; i++)
        {
            long sum = Int8Requant.Rescale(a[i] * (1L << 20), m[0], s[0]) + Int8Requant.Rescale(b[i] * (1L << 20), m[1], s[1]);
            expected[i] = Int8Requant.Apply(sum, m[2], s[2], 0, lo, hi);
        }
        Assert.Equal(expected, actual);
        for (int i = 0; i < count; i++)
        {
            double real = (a[i] * scaleA + b[i] * scaleB) / scaleOut;
            if (real < lo || real > hi) Assert.Equal(real < lo ? lo : hi, actual[i]);
            else Assert.True(Math.Abs(actual[i] - real) <= 0.5 + 1e-3, $"index {i}: {a[i]}·{scaleA} + {b[i]}·{scaleB} = {real} output steps, got {actual[i]}");
        }
    }
}
