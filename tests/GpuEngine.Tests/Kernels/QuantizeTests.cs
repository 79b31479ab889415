using GpuEngine.Backends;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

public class QuantizeTests
{
    public static TheoryData<string, float, int> Cases()
    {
        var data = new TheoryData<string, float, int>();
        foreach (var backend in TestBackends.Names())
            foreach (var (scale, zp) in new[] { (0.03125f, 0), (0.0371f, 3) })
                data.Add(backend, scale, zp);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void QuantizeThenDequantize_AreBitExact(string backendName, float scale, int zp)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(17);
        // Random values past the int8 range (saturation) plus exact ties k + 0.5 steps (half-to-even decides them).
        var x = Reference.RandomFloats(random, 301, 150 * scale)
            .Concat(Enumerable.Range(-6, 13).Select(k => (k + 0.5f) * scale)).Concat([1e30f, -1e30f, 0f]).ToArray();
        float inverse = 1f / scale;
        var q = run.Upload(new sbyte[x.Length]);
        run.Launch(GeneratedKernels.QuantizeKernels_Quantize, LaunchGrid.Linear(Math.Min(x.Length, 128), 64),
            run.Upload(x), q, KernelArgument.Int(x.Length), KernelArgument.Float(inverse), KernelArgument.Int(zp));
        var expectedQ = x.Select(v => (sbyte)Math.Clamp(Math.Clamp(Math.Round((double)(v * inverse), MidpointRounding.ToEven), -1000, 1000) + zp, -128, 127)).ToArray();
        var actualQ = run.Download<sbyte>(q);
        Assert.Equal(expectedQ, actualQ);

        var y = run.Upload(new float[x.Length]);
        run.Launch(GeneratedKernels.QuantizeKernels_Dequantize, LaunchGrid.Linear(x.Length, 64),
            q, y, KernelArgument.Int(x.Length), KernelArgument.Float(scale), KernelArgument.Int(zp));
        Assert.Equal(actualQ.Select(v => (v - zp) * scale), run.Download<float>(y));
    }
}
