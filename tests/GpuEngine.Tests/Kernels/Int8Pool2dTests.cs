using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Tests.Quantization;

namespace GpuEngine.Tests.Kernels;

public class Int8Pool2dTests
{
    /// <summary>Max pooling: VGG's 2×2 stride 2, and 3×3 stride 2 padding 1 (overlapping, clipped windows) on an odd plane.</summary>
    public static TheoryData<string, int, int, int> MaxCases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var backend in TestBackends.Names())
            foreach (var (k, stride, pad) in new[] { (2, 2, 0), (3, 2, 1) })
                data.Add(backend, k, stride, pad);
        return data;
    }

    [Theory]
    [MemberData(nameof(MaxCases))]
    public void Int8MaxPool2d_MatchesPlainLoops(string backendName, int k, int stride, int pad)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        const int planes = 5, h = 9, w = 7;
        int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
        var x = Reference.RandomInt8(new Random(k), planes * h * w);
        var output = run.Upload(new sbyte[planes * oh * ow]);
        run.Launch(GeneratedKernels.Int8Pool2dKernels_Int8MaxPool2d, LaunchGrid.Linear(64, 32),
            [run.Upload(x), output, .. new[] { planes, h, w, k, k, stride, stride, pad, pad, oh, ow }.Select(KernelArgument.Int)]);
        var expected = IntegerReference.MaxPool(x, planes, h, w, k, stride, pad);
        Assert.Equal(expected, run.Download<sbyte>(output));
    }

    /// <summary>Adaptive pooling: VGG's avgpool below 224 (2×2 → 7×7, bins of 1 or 2 that overlap; 1×1 → 7×7, copies), 9×9 → 2×3, identity.</summary>
    public static TheoryData<string, int, int, int, int> AdaptiveCases()
    {
        var data = new TheoryData<string, int, int, int, int>();
        foreach (var backend in TestBackends.Names())
            foreach (var (h, w, oh, ow) in new[] { (2, 2, 7, 7), (1, 1, 7, 7), (9, 9, 2, 3), (7, 7, 7, 7), (5, 6, 3, 4) })
                data.Add(backend, h, w, oh, ow);
        return data;
    }

    /// <summary>Each output is its bin's mean in float64 rounded half away from zero (TFLite's int8 average pool), at the input's scale.</summary>
    [Theory]
    [MemberData(nameof(AdaptiveCases))]
    public void Int8AdaptiveAvgPool2d_IsTheRoundedMeanOfEachBin(string backendName, int h, int w, int oh, int ow)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        const int planes = 6;
        var x = Reference.RandomInt8(new Random(h * 10 + oh), planes * h * w);
        var output = run.Upload(new sbyte[planes * oh * ow]);
        run.Launch(GeneratedKernels.Int8Pool2dKernels_Int8AdaptiveAvgPool2d, LaunchGrid.Linear(64, 32),
            [run.Upload(x), output, .. new[] { planes, h, w, oh, ow }.Select(KernelArgument.Int)]);
        var expected = IntegerReference.AdaptiveAvgPool(x, planes, h, w, oh, ow);
        Assert.Equal(expected, run.Download<sbyte>(output));
    }
}
