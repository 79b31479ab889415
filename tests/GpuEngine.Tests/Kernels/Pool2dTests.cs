using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Kernels;

public class Pool2dTests
{
    /// <summary>A window pooling case; output sizes by PyTorch's rule, written out here independently of the op.</summary>
    public sealed record PoolCase(int Batch, int C, int H, int W, int K, int Stride, int Pad, bool Ceil)
    {
        public int OutH => Out(H);
        public int OutW => Out(W);

        private int Out(int size)
        {
            int room = size + 2 * Pad - K;
            int o = (Ceil ? (room + Stride - 1) / Stride : room / Stride) + 1;
            return Ceil && (o - 1) * Stride >= size + Pad ? o - 1 : o;
        }
    }

    private static readonly PoolCase[] Shapes =
    [
        new(2, 3, 7, 9, 3, 2, 1, false), new(1, 4, 8, 8, 2, 2, 0, false), new(2, 2, 7, 6, 3, 2, 0, true),
        new(1, 3, 10, 11, 3, 2, 1, true), new(3, 2, 5, 5, 3, 1, 1, false),
    ];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var backend in TestBackends.Names())
            for (int i = 0; i < Shapes.Length; i++) data.Add(backend, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPool2d_MatchesReference(string backendName, int shape) => Window(backendName, shape, kind: 0);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AvgPool2d_CountIncludePad_MatchesFloat64Reference(string backendName, int shape) => Window(backendName, shape, kind: 1);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AvgPool2d_ExcludePad_MatchesFloat64Reference(string backendName, int shape) => Window(backendName, shape, kind: 2);

    private static void Window(string backendName, int shape, int kind)
    {
        var c = Shapes[shape];
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        int planes = c.Batch * c.C;
        var input = Reference.RandomFloats(new Random(400 + shape), planes * c.H * c.W);
        var output = run.Upload(new float[planes * c.OutH * c.OutW]);
        KernelArgument[] args =
        [
            run.Upload(input), output, .. new[] { planes, c.H, c.W, c.K, c.K, c.Stride, c.Stride, c.Pad, c.Pad, c.OutH, c.OutW }.Select(KernelArgument.Int),
        ];
        var grid = LaunchGrid.Linear(planes * c.OutH * c.OutW, 64);
        if (kind == 0) run.Launch(GeneratedKernels.Pool2dKernels_MaxPool2d, grid, args);
        else run.Launch(GeneratedKernels.Pool2dKernels_AvgPool2d, grid, [.. args, KernelArgument.Int(kind == 1 ? 1 : 0)]);
        var expected = new double[planes * c.OutH * c.OutW];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < c.OutH; oy++)
                for (int ox = 0; ox < c.OutW; ox++)
                {
                    double max = double.NegativeInfinity, sum = 0;
                    int real = 0, padded = 0;
                    for (int ky = 0; ky < c.K; ky++)
                        for (int kx = 0; kx < c.K; kx++)
                        {
                            int iy = oy * c.Stride - c.Pad + ky, ix = ox * c.Stride - c.Pad + kx;
                            // PyTorch counts window cells inside the padded input, not those past it (ceil mode).
                            if (iy < c.H + c.Pad && ix < c.W + c.Pad) padded++;
                            if (iy < 0 || iy >= c.H || ix < 0 || ix >= c.W) continue;
                            double v = input[(p * c.H + iy) * c.W + ix];
                            max = Math.Max(max, v);
                            sum += v;
                            real++;
                        }
                    expected[(p * c.OutH + oy) * c.OutW + ox] = kind == 0 ? max : sum / (kind == 1 ? padded : real);
                }
        // Max is exact; averages differ by float rounding of the sum.
        Reference.AssertClose(expected, run.Download<float>(output), rtol: kind == 0 ? 0 : 1e-5, atol: kind == 0 ? 0 : 1e-5);
    }

    public static TheoryData<string, int, int, int, int> AdaptiveCases()
    {
        var data = new TheoryData<string, int, int, int, int>();
        foreach (var backend in TestBackends.Names())
            foreach (var (h, w, oh, ow) in new[] { (7, 11, 3, 5), (5, 5, 2, 2), (9, 7, 4, 3), (6, 6, 6, 6), (7, 7, 1, 1) })
                data.Add(backend, h, w, oh, ow);
        return data;
    }

    [Theory]
    [MemberData(nameof(AdaptiveCases))]
    public void AdaptiveAvgPool2d_MatchesFloat64Reference(string backendName, int h, int w, int outH, int outW)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        const int planes = 6;
        var input = Reference.RandomFloats(new Random(h * 13 + w * 7 + outH + outW), planes * h * w);
        var output = run.Upload(new float[planes * outH * outW]);
        run.Launch(GeneratedKernels.Pool2dKernels_AdaptiveAvgPool2d, LaunchGrid.Linear(planes * outH * outW, 32),
            [run.Upload(input), output, .. new[] { planes, h, w, outH, outW }.Select(KernelArgument.Int)]);
        Reference.AssertClose(AdaptiveReference(input, planes, h, w, outH, outW), run.Download<float>(output), rtol: 1e-5, atol: 1e-5);
    }

    public static TheoryData<string, int, int, int> GlobalCases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var backend in TestBackends.Names())
            foreach (var (planes, h, w) in new[] { (3, 1, 1), (4, 7, 7), (2, 17, 19) })
                data.Add(backend, planes, h, w);
        return data;
    }

    [Theory]
    [MemberData(nameof(GlobalCases))]
    public void GlobalAvgPool_MatchesFloat64Reference(string backendName, int planes, int h, int w)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var input = Reference.RandomFloats(new Random(planes * 1000 + h * w), planes * h * w);
        var output = run.Upload(new float[planes]);
        run.Launch(GeneratedKernels.Pool2dKernels_GlobalAvgPool, new LaunchGrid(new Dim3(Pool2dKernels.GlobalThreads), new Dim3(planes)),
            run.Upload(input), output, KernelArgument.Int(h * w));
        Reference.AssertClose(AdaptiveReference(input, planes, h, w, 1, 1), run.Download<float>(output), rtol: 1e-5, atol: 1e-5);
    }

    /// <summary>PyTorch's adaptive windows: start = floor(i·in/out), end = ceil((i+1)·in/out).</summary>
    private static double[] AdaptiveReference(float[] input, int planes, int h, int w, int outH, int outW)
    {
        var expected = new double[planes * outH * outW];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                {
                    int y0 = (int)Math.Floor((double)oy * h / outH), y1 = (int)Math.Ceiling((double)(oy + 1) * h / outH);
                    int x0 = (int)Math.Floor((double)ox * w / outW), x1 = (int)Math.Ceiling((double)(ox + 1) * w / outW);
                    double sum = 0;
                    for (int y = y0; y < y1; y++)
                        for (int x = x0; x < x1; x++) sum += input[(p * h + y) * w + x];
                    expected[(p * outH + oy) * outW + ox] = sum / ((y1 - y0) * (x1 - x0));
                }
        return expected;
    }
}
