using GpuEngine.Backends;
using GpuEngine.Execution;
using GpuEngine.Execution.Launchers;
using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Tests.Kernels;
using KernelReference = GpuEngine.Tests.Kernels.Reference;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// The launchers end to end on a small graph (BatchNorm → MaxPool → AvgPool (ceil, pad excluded) → global pool →
/// Flatten → Linear+ReLU, plus a 2×3 adaptive pool): planned by <see cref="OpLaunchers.Plan"/>, replayed on a backend,
/// compared with float64 loops. Catches argument order, grids and kernel choice (rows vs tiled Linear by batch).
/// </summary>
public class OpLaunchersTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var backend in InferenceSessionDevices.SmallGraphList())
            foreach (int batch in new[] { 1, 17 }) data.Add(backend, batch);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PlannedLaunches_MatchFloat64Reference(string backendName, int batch)
    {
        const int c = 6, h = 9, w = 9, classes = 5;
        var b = new GraphBuilder("launchers");
        b.Input("x", new TensorShape(batch, c, h, w));
        b.Add("bn", new BatchNorm2d(c), "x");
        b.Add("max", new MaxPool2d(3, 2, 1), "bn");
        b.Add("avg", new AvgPool2d(3, 2, 1, CeilMode: true, CountIncludePad: false), "max");
        b.Add("adaptive", new AdaptiveAvgPool2d(new Size2(2, 3)), "max");
        b.Add("gap", new AdaptiveAvgPool2d(1), "avg");
        b.Add("flat", new Flatten(), "gap");
        b.Add("fc", new Linear(c, classes, Fused: Activation.Relu), "flat");
        b.Output("fc");
        b.Output("adaptive");
        var graph = b.Build();

        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(batch);
        var x = KernelReference.RandomFloats(random, batch * c * h * w);
        var p = new Dictionary<string, float[]>
        {
            ["bn.weight"] = KernelReference.RandomFloats(random, c), ["bn.bias"] = KernelReference.RandomFloats(random, c),
            ["bn.running_mean"] = KernelReference.RandomFloats(random, c), ["bn.running_var"] = KernelReference.RandomFloats(random, c).Select(v => v * v + 0.1f).ToArray(),
            ["fc.weight"] = KernelReference.RandomFloats(random, classes * c), ["fc.bias"] = KernelReference.RandomFloats(random, classes),
        };
        var views = graph.Tensors.ToDictionary(t => t.Key, t => Slice(run.Upload(t.Key == "x" ? x : new float[t.Value.Shape.Elements])));
        views["flat"] = views["gap"];
        var weights = p.ToDictionary(e => e.Key, e => Slice(run.Upload(e.Value)));
        var context = new LaunchContext(graph, name => views[name], name => weights[name], Slice(run.Upload(new float[1])));
        foreach (var node in graph.Nodes)
            foreach (var launch in OpLaunchers.Plan(node, context)) launch.Run(backend);
        backend.Synchronize();

        // float64 reference of the same chain.
        var bn = x.Select((v, i) => { int ch = i / (h * w) % c; return (v - (double)p["bn.running_mean"][ch]) / Math.Sqrt(p["bn.running_var"][ch] + 1e-5) * p["bn.weight"][ch] + p["bn.bias"][ch]; }).ToArray();
        var max = Pool(bn, batch * c, h, w, 5, 5, (oy, ox) => (oy * 2 - 1, ox * 2 - 1, 3, 3), (vals, _) => vals.Max());
        // ceil mode: 5 → 3 outputs; pad excluded from the divisor.
        var avg = Pool(max, batch * c, 5, 5, 3, 3, (oy, ox) => (oy * 2 - 1, ox * 2 - 1, 3, 3), (vals, _) => vals.Average());
        var adaptive = Pool(max, batch * c, 5, 5, 2, 3, (oy, ox) => (oy * 5 / 2, ox * 5 / 3, (oy + 1) * 5 / 2 + ((oy + 1) * 5 % 2 > 0 ? 1 : 0) - oy * 5 / 2,
            (ox + 1) * 5 / 3 + ((ox + 1) * 5 % 3 > 0 ? 1 : 0) - ox * 5 / 3), (vals, _) => vals.Average());
        var gap = Pool(avg, batch * c, 3, 3, 1, 1, (_, _) => (0, 0, 3, 3), (vals, _) => vals.Average());
        var fc = new double[batch * classes];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < classes; o++)
            {
                double s = p["fc.bias"][o];
                for (int k = 0; k < c; k++) s += gap[n * c + k] * p["fc.weight"][o * c + k];
                fc[n * classes + o] = Math.Max(s, 0);
            }
        KernelReference.AssertClose(fc, run.Download<float>(views["fc"].Argument), 1e-4, 1e-4);
        KernelReference.AssertClose(adaptive, run.Download<float>(views["adaptive"].Argument), 1e-5, 1e-5);
    }

    private static BufferSlice Slice(KernelArgument view) => new(view.Buffer!, view.ByteOffset, view.Length);

    /// <summary>Applies <paramref name="reduce"/> to the in-range inputs of each window (y0, x0, height, width).</summary>
    private static double[] Pool(double[] input, int planes, int h, int w, int outH, int outW,
        Func<int, int, (int Y0, int X0, int H, int W)> window, Func<List<double>, int, double> reduce)
    {
        var output = new double[planes * outH * outW];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                {
                    var (y0, x0, wh, ww) = window(oy, ox);
                    var vals = new List<double>();
                    for (int y = Math.Max(y0, 0); y < Math.Min(y0 + wh, h); y++)
                        for (int x = Math.Max(x0, 0); x < Math.Min(x0 + ww, w); x++) vals.Add(input[(p * h + y) * w + x]);
                    output[(p * outH + oy) * outW + ox] = reduce(vals, 0);
                }
        return output;
    }
}
