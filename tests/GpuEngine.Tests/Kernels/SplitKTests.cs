using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// Split-k on every backend: the conv kernels run with a grid z of groups · splits write one partial sum per k range
/// into a poisoned workspace, the reduce kernels add them and apply the epilogue. int8 is checked bit-exact against the
/// int64 definition (fused requantization and the addsum-write int32 sum), fp32 against float64 loops. The shapes have
/// odd channel counts, stride 2, batch 2, groups and depths that are no multiple of splits × k step (some splits empty).
/// </summary>
public class SplitKTests
{
    private static readonly ConvCase[] Shapes =
    [
        new(2, 7, 9, 8, 5, 3, 3, 2, 1, 1, 1, true, 1),        // batch 2, stride 2, depth 63, ReLU
        new(1, 13, 6, 6, 11, 3, 3, 1, 1, 1, 1, false, 2),     // depth 117, no bias, ReLU6
        new(1, 6, 7, 7, 9, 3, 3, 1, 1, 1, 3, true, 0),        // 3 groups, depth 18 (most splits empty at 8)
        new(3, 37, 1, 1, 19, 1, 1, 1, 0, 1, 1, true, 1),      // a batched Linear as a 1x1 conv, depth 37
    ];

    private static readonly int[] SplitCounts = [2, 3, 8];

    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var backend in TestBackends.Names())
            for (int i = 0; i < Shapes.Length; i++)
                foreach (int splits in SplitCounts) data.Add(backend, i, splits);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8SplitK_FusedAndAddSumWrite_AreBitExact(string backendName, int shape, int splits)
    {
        var c = Shapes[shape];
        var random = new Random(7000 + 10 * shape + splits);
        int depth = c.Cin / c.Groups * c.Kh * c.Kw;
        var input = Reference.RandomInt8(random, c.Batch * c.Cin * c.H * c.W);
        var weight = Reference.RandomInt8(random, c.Cout * depth);
        var bias = Enumerable.Range(0, c.Cout).Select(_ => random.Next(-20000, 20000)).ToArray();
        var (multipliers, shifts) = Int8Requant.RandomScales(random, c.Cout, depth);
        int inputZp = shape % 2 == 1 ? 3 : 0, outputZp = random.Next(-5, 6);
        var (lo, hi) = Int8Requant.Clamp(c.Activation, outputZp);
        var acc = c.Int8Sums(input, weight, bias, inputZp);
        int pixels = c.OutH * c.OutW, count = acc.Length;
        var expected = acc.Select((a, i) => Int8Requant.Apply(a, multipliers[i / pixels % c.Cout], shifts[i / pixels % c.Cout], outputZp, lo, hi)).ToArray();

        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var (vInput, vWeight, vBias, vMul, vShift) = (run.Upload(input), run.Upload(weight), run.Upload(bias), run.Upload(multipliers), run.Upload(shifts));
        foreach (var (kernel, tile) in new[] { (GeneratedKernels.Int8Conv2dKernels_Int8Conv2d, 64), (GeneratedKernels.Int8Conv2dKernels_Int8Conv2dTile32, 32) })
        {
            var workspace = run.Upload(Enumerable.Repeat(-777, splits * count).ToArray());
            int columns = c.Batch * pixels;
            var grid = new LaunchGrid(new Dim3(16, 16), new Dim3((columns + tile - 1) / tile, (c.Cout / c.Groups + tile - 1) / tile, c.Groups * splits));
            // Partial sums: bias off, mode AddSumWrite into the workspace.
            run.Launch(kernel, grid,
            [
                vInput, vWeight, vBias, vMul, vShift, run.Upload(new sbyte[1]), workspace,
                .. new[]
                {
                    c.Batch, c.Cin, c.H, c.W, c.Cout, c.Kh, c.Kw, c.Stride, c.Stride, c.Pad, c.Pad, c.Dilation, c.Dilation, c.Groups,
                    c.OutH, c.OutW, 0, inputZp, outputZp, lo, hi, RequantizeKernels.AddSumWrite,
                }.Select(KernelArgument.Int),
            ]);
            var output = run.Upload(Enumerable.Repeat((sbyte)-77, count).ToArray());
            var sums = run.Upload(Enumerable.Repeat(-555, count).ToArray());
            Reduce(run, workspace, vBias, vMul, vShift, output, run.Upload(new int[1]), [count, splits, c.Cout, pixels, c.Bias ? 1 : 0, outputZp, lo, hi], RequantizeKernels.Fused);
            Reduce(run, workspace, vBias, vMul, vShift, run.Upload(new sbyte[1]), sums, [count, splits, c.Cout, pixels, c.Bias ? 1 : 0, outputZp, lo, hi], RequantizeKernels.AddSumWrite);
            Assert.Equal(expected, run.Download<sbyte>(output));
            Assert.Equal(acc.Select(a => (int)a), run.Download<int>(sums));
        }
        Assert.Contains(expected, v => v != expected[0]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fp32SplitK_MatchesFloat64Reference(string backendName, int shape, int splits)
    {
        var c = Shapes[shape];
        var random = new Random(8000 + 10 * shape + splits);
        var input = Reference.RandomFloats(random, c.Batch * c.Cin * c.H * c.W);
        var weight = Reference.RandomFloats(random, c.Cout * (c.Cin / c.Groups) * c.Kh * c.Kw, 0.5f);
        var bias = Reference.RandomFloats(random, c.Cout);
        var expected = c.Reference(input, weight, bias);
        int pixels = c.OutH * c.OutW, count = expected.Length, columns = c.Batch * pixels;

        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var (vInput, vWeight, vBias) = (run.Upload(input), run.Upload(weight), run.Upload(bias));
        foreach (var (kernel, tile) in new[] { (GeneratedKernels.Conv2dKernels_Conv2d, 64), (GeneratedKernels.Conv2dKernels_Conv2dTile32, 32) })
        {
            var workspace = run.Upload(Enumerable.Repeat(float.NaN, splits * count).ToArray());
            var grid = new LaunchGrid(new Dim3(16, 16), new Dim3((columns + tile - 1) / tile, (c.Cout / c.Groups + tile - 1) / tile, c.Groups * splits));
            run.Launch(kernel, grid, vInput, vWeight, vBias, workspace,
                Ints(c.Batch, c.Cin, c.H, c.W, c.Cout, c.Kh, c.Kw, c.Stride, c.Stride, c.Pad, c.Pad, c.Dilation, c.Dilation, c.Groups,
                    c.OutH, c.OutW, 0, FusedActivation.None));
            var output = run.Upload(Enumerable.Repeat(float.NaN, count).ToArray());
            run.Launch(GeneratedKernels.SplitKReduceKernels_Conv2dSplitKReduce, LaunchGrid.Linear(count),
                [workspace, vBias, output, .. Ints(count, splits, c.Cout, pixels, c.Bias ? 1 : 0, c.Activation)]);
            Reference.AssertClose(expected, run.Download<float>(output), rtol: 1e-4, atol: 1e-4);
        }
    }

    private static void Reduce(KernelRunner run, KernelArgument workspace, KernelArgument bias, KernelArgument multiplier, KernelArgument shift,
        KernelArgument output, KernelArgument accumulator, int[] parameters, int mode) =>
        run.Launch(GeneratedKernels.SplitKReduceKernels_Int8SplitKReduce, LaunchGrid.Linear(parameters[0]),
            [workspace, bias, multiplier, shift, output, accumulator, .. parameters.Select(KernelArgument.Int), KernelArgument.Int(mode)]);

    private static KernelArgument[] Ints(params int[] values) => [.. values.Select(KernelArgument.Int)];
}
