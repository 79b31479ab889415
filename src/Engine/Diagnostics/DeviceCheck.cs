using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Zoo;

namespace GpuEngine.Diagnostics;

/// <summary>One case of a device check: what ran, which kernels, how far the device was from the cpu backend.</summary>
public sealed record DeviceCheckResult(string Case, string Kernels, double MaxRelativeError, double Tolerance, double DeviceMilliseconds)
{
    public bool Passed => MaxRelativeError <= Tolerance;
}

/// <summary>
/// Checks every kernel family on a device against the cpu backend (the C# kernels themselves) on the same random
/// weights and inputs: single-op graphs with odd shapes, strides, padding, groups and batch > 1, then whole models.
/// This is what runs on a GPU machine, where xUnit cannot: <c>gpuengine check --device cuda</c>.
/// </summary>
public static class DeviceCheck
{
    /// <summary>Relative tolerance for float32 (max |device - cpu| / max |cpu|): summation order differs between kernels' tilings.</summary>
    public const double Fp32Tolerance = 1e-4;

    public static IEnumerable<(string Name, Ir.Graph Graph)> Cases(bool models)
    {
        yield return Single("conv 3x3 s1 p1 bias", new TensorShape(2, 5, 13, 11), Conv2d.Square(5, 7, 3, 1, 1));
        yield return Single("conv 3x3 s2 p1 relu", new TensorShape(1, 16, 15, 15), Conv2d.Square(16, 33, 3, 2, 1) with { Fused = Activation.Relu });
        yield return Single("conv 1x1 s2 p0 no bias", new TensorShape(2, 24, 9, 9), Conv2d.Square(24, 40, 1, 2, 0, bias: false));
        yield return Single("conv 3x3 groups 4 relu6", new TensorShape(1, 32, 10, 12), Conv2d.Square(32, 64, 3, 1, 1, groups: 4) with { Fused = Activation.Relu6 });
        yield return Single("conv 3x2 dilation 2", new TensorShape(1, 6, 17, 13), new Conv2d(6, 10, new Size2(3, 2), 1, new Size2(2, 1), 2));
        yield return Single("depthwise 3x3 s2", new TensorShape(2, 48, 15, 15), Conv2d.Square(48, 48, 3, 2, 1, groups: 48, bias: false));
        yield return Single("batchnorm", new TensorShape(2, 7, 9, 5), new BatchNorm2d(7));
        yield return Single("relu", new TensorShape(3, 5, 7, 9), new Relu());
        yield return Single("relu6", new TensorShape(3, 5, 7, 9), new Relu6());
        yield return Single("maxpool 3x3 s2 p1", new TensorShape(2, 6, 15, 14), new MaxPool2d(3, 2, 1));
        yield return Single("maxpool 2x2 ceil", new TensorShape(1, 4, 9, 7), new MaxPool2d(2, 2, 0, CeilMode: true));
        yield return Single("avgpool 3x3 s1 p1", new TensorShape(2, 6, 11, 10), new AvgPool2d(3, 1, 1));
        yield return Single("avgpool no pad count", new TensorShape(1, 6, 11, 10), new AvgPool2d(3, 2, 1, CountIncludePad: false));
        yield return Single("global average pool", new TensorShape(3, 40, 7, 7), new AdaptiveAvgPool2d(1));
        yield return Single("adaptive average pool 3x2", new TensorShape(2, 5, 10, 7), new AdaptiveAvgPool2d(new Size2(3, 2)));
        yield return Single("linear batch 1", new TensorShape(1, 1280), new Linear(1280, 89));
        yield return Single("linear batch 9 relu", new TensorShape(9, 300), new Linear(300, 129) with { Fused = Activation.Relu });
        yield return Single("linear batch 37 tiled", new TensorShape(37, 200), new Linear(200, 70, HasBias: false));
        yield return ("add relu", AddGraph());
        if (!models) yield break;
        yield return ("repvgg-a0 1x3x64x64", ModelZoo.Create("repvgg-a0", new TensorShape(1, 3, 64, 64), 100));
        yield return ("repvgg-n1-train 2x3x64x64", ModelZoo.Create("repvgg-n1-train", new TensorShape(2, 3, 64, 64), 89));
        yield return ("mobilenet_v2 1x3x64x64", ModelZoo.Create("mobilenet_v2", new TensorShape(1, 3, 64, 64), 100));
        yield return ("vgg11_bn 1x3x32x32", ModelZoo.Create("vgg11_bn", new TensorShape(1, 3, 32, 32), 10));
    }

    /// <summary>Runs every case on <paramref name="device"/> and on the cpu backend; <paramref name="progress"/> hears each result.</summary>
    public static IReadOnlyList<DeviceCheckResult> Run(string device, int seed, bool models, Action<DeviceCheckResult>? progress = null)
    {
        var results = new List<DeviceCheckResult>();
        foreach (var (name, shapes) in Cases(models))
        {
            var graph = WeightInitializer.Initialize(shapes, unchecked((ulong)seed));
            var input = RandomInput.Uniform(graph.Inputs[0].Shape, seed);
            var options = new SessionOptions { OptimizeGraph = false };
            using var reference = new InferenceSession(graph, options with { Device = "cpu" });
            using var target = new InferenceSession(graph, options with { Device = device });
            var expected = reference.Run(input).Floats;
            target.Run(input); // first run compiles
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var actual = target.Run(input).Floats;
            double ms = clock.Elapsed.TotalMilliseconds;
            var kernels = string.Join(" ", target.Launches.Select(l => l.Kernel.Name).Distinct());
            var result = new DeviceCheckResult(name, kernels, RelativeError(expected, actual), Fp32Tolerance, ms);
            results.Add(result);
            progress?.Invoke(result);
        }
        return results;
    }

    /// <summary>Generated kernels no case launched (int8 kernels until the int8 executor lands, samples such as MatMul).</summary>
    public static IReadOnlyList<string> Uncovered(IEnumerable<DeviceCheckResult> results)
    {
        var covered = results.SelectMany(r => r.Kernels.Split(' ')).ToHashSet();
        return [.. GeneratedKernels.All.Select(k => k.Name).Where(n => !covered.Contains(n))];
    }

    /// <summary>max |a - e| / max |e|; NaN or infinity anywhere counts as infinitely wrong.</summary>
    public static double RelativeError(float[] expected, float[] actual)
    {
        double scale = 0, worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (!float.IsFinite(actual[i])) return double.PositiveInfinity;
            scale = Math.Max(scale, Math.Abs(expected[i]));
            worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
        }
        return scale == 0 ? worst : worst / scale;
    }

    private static (string, Ir.Graph) Single(string name, TensorShape input, Op op)
    {
        var b = new GraphBuilder(name);
        b.Add("layer", op, b.Input("input", input));
        return (name, b.Build());
    }

    private static Ir.Graph AddGraph()
    {
        var b = new GraphBuilder("add");
        var x = b.Input("input", new TensorShape(2, 8, 9, 9));
        var y = b.Add("conv", Conv2d.Square(8, 8, 3, 1, 1), x);
        b.AddFunctional("add", new Ops.Add(Activation.Relu), x, y);
        return b.Build();
    }
}
