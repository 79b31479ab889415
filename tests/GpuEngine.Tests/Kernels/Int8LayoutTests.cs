using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Profiling.Costs;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// The int8 layout conversions of the tensor-core path on every backend against index loops written here: NCHW to
/// NHWC with the channels padded (to 4, to 32, or not at all) and the padding filled, and back (the round trip gives
/// the input). On the cpu backend the bytes a counting launch moves equal <see cref="Int8LayoutCost"/>'s formulas.
/// </summary>
public class Int8LayoutTests
{
    private static readonly (int N, int C, int H, int W, int Cp)[] Shapes =
    [
        (1, 3, 5, 7, 4), (2, 5, 3, 4, 32), (1, 16, 4, 4, 16), (3, 33, 2, 3, 64),
    ];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var device in TestBackends.Names())
            for (int s = 0; s < Shapes.Length; s++) data.Add(device, s);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NchwToNhwc_AndBack_MatchTheIndexLoops(string device, int shape)
    {
        var (n, c, h, w, cp) = Shapes[shape];
        var random = new Random(1600 + shape);
        var nchw = Reference.RandomInt8(random, n * c * h * w);
        sbyte fill = (sbyte)random.Next(-8, 9);
        var expected = new sbyte[n * h * w * cp];
        for (int b = 0; b < n; b++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < cp; ch++)
                        expected[((b * h + y) * w + x) * cp + ch] = ch < c ? nchw[((b * c + ch) * h + y) * w + x] : fill;

        using var backend = TestBackends.Open(device);
        using var run = new KernelRunner(backend);
        var source = run.Upload(nchw);
        var nhwc = run.Upload(new sbyte[expected.Length]);
        run.Launch(GeneratedKernels.Int8LayoutKernels_Int8NchwToNhwc, LaunchGrid.Linear(expected.Length), [source, nhwc, .. Scalars(n, c, h, w, cp, fill)]);
        Assert.Equal(expected, run.Download<sbyte>(nhwc));

        var back = run.Upload(new sbyte[nchw.Length]);
        run.Launch(GeneratedKernels.Int8LayoutKernels_Int8NhwcToNchw, LaunchGrid.Linear(nchw.Length), [nhwc, back, .. Scalars(n, c, h, w, cp, 0)]);
        Assert.Equal(nchw, run.Download<sbyte>(back));
    }

    [Fact]
    public void CountedBytes_OnTheCpuBackend_EqualTheCostFormulas()
    {
        using var cpu = new CpuBackend();
        using var run = new KernelRunner(cpu);
        foreach (var (n, c, h, w, cp) in Shapes)
        {
            var shape = new TensorShape(n, c, h, w);
            var nchw = run.Upload(new sbyte[shape.Elements]);
            var nhwc = run.Upload(new sbyte[n * h * w * cp]);
            long toNhwc = cpu.LaunchCounting(GeneratedKernels.Int8LayoutKernels_Int8NchwToNhwc, LaunchGrid.Linear(n * h * w * cp), [nchw, nhwc, .. Scalars(n, c, h, w, cp, 0)]);
            long toNchw = cpu.LaunchCounting(GeneratedKernels.Int8LayoutKernels_Int8NhwcToNchw, LaunchGrid.Linear(shape.Elements), [nhwc, nchw, .. Scalars(n, c, h, w, cp, 0)]);
            Assert.Equal(Int8LayoutCost.ToNhwc("to", shape, cp).MemRw, toNhwc);
            Assert.Equal(Int8LayoutCost.ToNchw("from", shape, cp).MemRw, toNchw);
        }
    }

    private static KernelArgument[] Scalars(int n, int c, int h, int w, int cp, int fill) =>
        [KernelArgument.Int(n), KernelArgument.Int(c), KernelArgument.Int(h), KernelArgument.Int(w), KernelArgument.Int(cp), KernelArgument.Int(fill)];
}
