using GpuEngine.Backends;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

public class Conv2dTests
{
    private static readonly ConvCase[] Shapes =
    [
        new(1, 3, 9, 11, 8, 3, 3, 1, 1, 1, 1, true, 1),       // stem-like 3x3, relu
        new(2, 5, 7, 6, 7, 1, 1, 1, 0, 1, 1, false, 0),       // pointwise, odd channels
        new(1, 8, 13, 10, 70, 3, 3, 2, 1, 1, 1, true, 2),     // stride 2, more than one row tile, relu6
        new(1, 6, 12, 12, 9, 3, 2, 1, 2, 2, 3, true, 0),      // grouped, dilated, non-square kernel
        new(3, 4, 5, 5, 4, 5, 5, 1, 2, 1, 1, true, 1),        // 5x5, batch 3
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
    public void Conv2d_MatchesFloat64Reference(string backendName, int shape) =>
        AssertConvMatches(backendName, shape, GeneratedKernels.Conv2dKernels_Conv2d, 64);

    /// <summary>The 32 × 32 tile tactic on the same shapes and the same float64 reference.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv2dTile32_MatchesFloat64Reference(string backendName, int shape) =>
        AssertConvMatches(backendName, shape, GeneratedKernels.Conv2dKernels_Conv2dTile32, 32);

    private static void AssertConvMatches(string backendName, int shape, KernelDescriptor kernel, int tile)
    {
        var c = Shapes[shape];
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(1000 + shape);
        var input = Reference.RandomFloats(random, c.Batch * c.Cin * c.H * c.W);
        var weight = Reference.RandomFloats(random, c.Cout * (c.Cin / c.Groups) * c.Kh * c.Kw, 0.5f);
        var bias = Reference.RandomFloats(random, c.Cout);
        var output = run.Upload(new float[c.Batch * c.Cout * c.OutH * c.OutW]);
        int columns = c.Batch * c.OutH * c.OutW;
        var grid = new LaunchGrid(new Dim3(16, 16), new Dim3((columns + tile - 1) / tile, (c.Cout / c.Groups + tile - 1) / tile, c.Groups));
        run.Launch(kernel, grid, run.Upload(input), run.Upload(weight), run.Upload(bias), output,
            Ints(c.Batch, c.Cin, c.H, c.W, c.Cout, c.Kh, c.Kw, c.Stride, c.Stride, c.Pad, c.Pad, c.Dilation, c.Dilation, c.Groups,
                c.OutH, c.OutW, c.Bias ? 1 : 0, c.Activation));
        Reference.AssertClose(c.Reference(input, weight, bias), run.Download<float>(output), rtol: 1e-4, atol: 1e-4);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DepthwiseConv2d_MatchesFloat64Reference(string backendName, int shape)
    {
        var s = Shapes[shape];
        // Same spatial variety, depthwise channel structure: groups = cin = cout.
        var c = s with { Cout = s.Cin, Groups = s.Cin };
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(2000 + shape);
        var input = Reference.RandomFloats(random, c.Batch * c.Cin * c.H * c.W);
        var weight = Reference.RandomFloats(random, c.Cin * c.Kh * c.Kw, 0.5f);
        var bias = Reference.RandomFloats(random, c.Cin);
        int total = c.Batch * c.Cin * c.OutH * c.OutW;
        var output = run.Upload(new float[total]);
        run.Launch(GeneratedKernels.DepthwiseConv2dKernels_DepthwiseConv2d, LaunchGrid.Linear(total, 64), run.Upload(input), run.Upload(weight), run.Upload(bias), output,
            Ints(c.Batch, c.Cin, c.H, c.W, c.Kh, c.Kw, c.Stride, c.Stride, c.Pad, c.Pad, c.Dilation, c.Dilation, c.OutH, c.OutW, c.Bias ? 1 : 0, c.Activation));
        Reference.AssertClose(c.Reference(input, weight, bias), run.Download<float>(output), rtol: 1e-4, atol: 1e-4);
    }

    private static KernelArgument[] Ints(params int[] values) => values.Select(KernelArgument.Int).ToArray();
}
