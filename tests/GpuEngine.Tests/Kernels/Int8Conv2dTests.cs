using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Kernels;

public class Int8Conv2dTests
{
    private static readonly ConvCase[] Shapes =
    [
        new(1, 3, 9, 11, 8, 3, 3, 1, 1, 1, 1, true, 1),       // stem-like, depth 27 (not a multiple of 4), ReLU
        new(2, 5, 7, 6, 7, 1, 1, 1, 0, 1, 1, false, 0),       // pointwise, depth 5
        new(1, 8, 13, 10, 70, 3, 3, 2, 1, 1, 1, true, 2),     // stride 2, two row tiles, ReLU6
        new(1, 6, 12, 12, 9, 3, 2, 1, 2, 2, 3, true, 0),      // grouped, dilated, non-square
        new(17, 45, 1, 1, 33, 1, 1, 1, 0, 1, 1, true, 1),     // a batched Int8Linear as a 1x1 conv
    ];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var backend in TestBackends.Names())
            for (int i = 0; i < Shapes.Length; i++) data.Add(backend, i);
        return data;
    }

    /// <summary>Random operands of one case; odd cases use a nonzero input zero point (padding value).</summary>
    private sealed record Operands(ConvCase Case, sbyte[] Input, sbyte[] Weight, int[] Bias, int[] Multipliers, int[] Shifts, int InputZp, int OutputZp)
    {
        public static Operands Make(int shape)
        {
            var c = Shapes[shape];
            var random = new Random(5000 + shape);
            int depth = c.Cin / c.Groups * c.Kh * c.Kw;
            var (multipliers, shifts) = Int8Requant.RandomScales(random, c.Cout, depth);
            return new(c, Reference.RandomInt8(random, c.Batch * c.Cin * c.H * c.W), Reference.RandomInt8(random, c.Cout * depth),
                Enumerable.Range(0, c.Cout).Select(_ => random.Next(-20000, 20000)).ToArray(), multipliers, shifts,
                shape % 2 == 1 ? 3 : 0, random.Next(-5, 6));
        }

        /// <summary>Exact int32 sums (bias included) by the definition, padding reading the input zero point.</summary>
        public long[] Accumulators() => Case.Int8Sums(Input, Weight, Bias, InputZp);

        public sbyte[] Requantized(long[] acc)
        {
            var (lo, hi) = Int8Requant.Clamp(Case.Activation, OutputZp);
            int pixels = Case.OutH * Case.OutW;
            return acc.Select((a, i) => Int8Requant.Apply(a, Multipliers[i / pixels % Case.Cout], Shifts[i / pixels % Case.Cout], OutputZp, lo, hi)).ToArray();
        }

        /// <summary>Launches Int8Conv2d in <paramref name="mode"/> with <paramref name="output"/> and <paramref name="accumulator"/> views.</summary>
        public void Launch(KernelRunner run, KernelArgument output, KernelArgument accumulator, int mode, KernelDescriptor? kernel = null, int tile = 64)
        {
            var c = Case;
            var (lo, hi) = Int8Requant.Clamp(c.Activation, OutputZp);
            int columns = c.Batch * c.OutH * c.OutW;
            var grid = new LaunchGrid(new Dim3(16, 16), new Dim3((columns + tile - 1) / tile, (c.Cout / c.Groups + tile - 1) / tile, c.Groups));
            run.Launch(kernel ?? GeneratedKernels.Int8Conv2dKernels_Int8Conv2d, grid,
            [
                run.Upload(Input), run.Upload(Weight), run.Upload(Bias), run.Upload(Multipliers), run.Upload(Shifts), output, accumulator,
                .. new[]
                {
                    c.Batch, c.Cin, c.H, c.W, c.Cout, c.Kh, c.Kw, c.Stride, c.Stride, c.Pad, c.Pad, c.Dilation, c.Dilation, c.Groups,
                    c.OutH, c.OutW, c.Bias ? 1 : 0, InputZp, OutputZp, lo, hi, mode,
                }.Select(KernelArgument.Int),
            ]);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8Conv2d_Fused_IsBitExact(string backendName, int shape)
    {
        var ops = Operands.Make(shape);
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var expected = ops.Requantized(ops.Accumulators());
        var output = run.Upload(new sbyte[expected.Length]);
        ops.Launch(run, output, run.Upload(new int[1]), RequantizeKernels.Fused);
        Assert.Equal(expected, run.Download<sbyte>(output));
        Assert.Contains(expected, v => v != expected[0]);
    }

    /// <summary>The 32 × 32 tile tactic: bit-exact with the int64 reference in every mode (written, accumulated, fused).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8Conv2dTile32_IsBitExact(string backendName, int shape)
    {
        var ops = Operands.Make(shape);
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var acc = ops.Accumulators();
        var expected = ops.Requantized(acc);
        var output = run.Upload(Enumerable.Repeat((sbyte)-77, expected.Length).ToArray());
        ops.Launch(run, output, run.Upload(new int[1]), RequantizeKernels.Fused, GeneratedKernels.Int8Conv2dKernels_Int8Conv2dTile32, 32);
        Assert.Equal(expected, run.Download<sbyte>(output));
        var sums = run.Upload(Enumerable.Repeat(-777, acc.Length).ToArray());
        ops.Launch(run, run.Upload(new sbyte[1]), sums, RequantizeKernels.AddSumWrite, GeneratedKernels.Int8Conv2dKernels_Int8Conv2dTile32, 32);
        ops.Launch(run, run.Upload(new sbyte[1]), sums, RequantizeKernels.AddSumAccumulate, GeneratedKernels.Int8Conv2dKernels_Int8Conv2dTile32, 32);
        Assert.Equal(acc.Select(a => (int)(2 * a)), run.Download<int>(sums));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8Conv2d_AddSum_ThenRequantize_IsBitExact(string backendName, int shape)
    {
        var ops = Operands.Make(shape);
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var acc = ops.Accumulators();
        // Garbage in the buffer: mode AddSumWrite must overwrite it, AddSumAccumulate then adds a second branch.
        var sums = run.Upload(Enumerable.Repeat(-777, acc.Length).ToArray());
        ops.Launch(run, run.Upload(new sbyte[1]), sums, RequantizeKernels.AddSumWrite);
        Assert.Equal(acc.Select(a => (int)a), run.Download<int>(sums));
        ops.Launch(run, run.Upload(new sbyte[1]), sums, RequantizeKernels.AddSumAccumulate);
        var doubled = acc.Select(a => 2 * a).ToArray();
        Assert.Equal(doubled.Select(a => (int)a), run.Download<int>(sums));

        var c = ops.Case;
        var (lo, hi) = Int8Requant.Clamp(c.Activation, ops.OutputZp);
        var output = run.Upload(new sbyte[acc.Length]);
        run.Launch(GeneratedKernels.RequantizeKernels_Requantize, LaunchGrid.Linear(Math.Min(acc.Length, 200), 64),
        [
            sums, run.Upload(ops.Multipliers), run.Upload(ops.Shifts), output,
            .. new[] { c.Cout, c.OutH * c.OutW, acc.Length, ops.OutputZp, lo, hi }.Select(KernelArgument.Int),
        ]);
        Assert.Equal(ops.Requantized(doubled), run.Download<sbyte>(output));
    }

    /// <summary>
    /// Two different backends (cpu-threads is the cpu backend again, so it does not count): every device against the
    /// cpu's bits. Where CI expects a second backend and it is missing, this fails instead of comparing cpu with itself.
    /// </summary>
    [Fact]
    public void Int8Conv2d_IsBitIdenticalAcrossBackends()
    {
        var ops = Operands.Make(2);
        var devices = TestBackends.Names().Where(n => n != "cpu-threads").ToList();
        Assert.True(devices.Count >= 2 || !TestBackends.Expected().Any(e => e != "cpu"),
            $"only {string.Join(", ", devices)} opened; CI expects {string.Join(", ", TestBackends.Expected())}: nothing to compare the cpu with");
        var results = new List<(string Name, sbyte[] Output)>();
        foreach (var name in devices)
        {
            using var backend = TestBackends.Open(name);
            using var run = new KernelRunner(backend);
            var output = run.Upload(new sbyte[ops.Accumulators().Length]);
            ops.Launch(run, output, run.Upload(new int[1]), RequantizeKernels.Fused);
            results.Add((name, run.Download<sbyte>(output)));
        }
        foreach (var (name, output) in results.Skip(1))
            Assert.True(results[0].Output.SequenceEqual(output), $"{name} differs from {results[0].Name}");
        // And the first against the integer reference, so agreeing backends cannot agree on a wrong answer.
        Assert.Equal(ops.Requantized(ops.Accumulators()), results[0].Output);
    }
}
