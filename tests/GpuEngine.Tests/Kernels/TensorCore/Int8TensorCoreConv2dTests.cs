using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Backends.IlgpuCpu;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Kernels.TensorCore;

/// <summary>
/// The tensor-core conv on ilgpu-cpu (its mma emulated by warp shuffles) against the cpu backend's dp4a
/// <c>Int8Conv2d</c> on the same operands and quantization: int8 outputs and int32 addsums bit for bit. Shapes are tiny
/// (ilgpu-cpu runs every lane as a thread) but cover odd channel counts, depth not a multiple of 32, several k steps,
/// stride 2, padding, dilation, groups, batch &gt; 1, two row tiles (all three modes), and RepVGG-A0 / MobileNetV2 layers at a
/// small input (fused).
/// </summary>
public class Int8TensorCoreConv2dTests
{
    private static readonly (string Name, ConvCase Case)[] Shapes =
    [
        ("stem-like depth 27, relu", new(1, 3, 9, 11, 8, 3, 3, 1, 1, 1, 1, true, 1)),
        ("pointwise batch 2, odd channels", new(2, 5, 7, 6, 7, 1, 1, 1, 0, 1, 1, false, 0)),
        ("stride 2, 70 rows, depth 117, relu6", new(1, 13, 9, 9, 70, 3, 3, 2, 1, 1, 1, true, 2)),
        ("grouped, dilated, non-square", new(1, 6, 8, 8, 9, 3, 2, 1, 2, 2, 3, true, 0)),
        ("RepVGG-A0 stage 0 3->48 s2", new(1, 3, 16, 16, 48, 3, 3, 2, 1, 1, 1, true, 1)),
        ("RepVGG-A0 stage 1 48->48 3x3, batch 2", new(2, 48, 6, 6, 48, 3, 3, 1, 1, 1, 1, true, 1)),
        ("RepVGG-A0 stage 2 48->96 s2", new(1, 48, 8, 8, 96, 3, 3, 2, 1, 1, 1, true, 1)),
        ("MobileNetV2 expand 16->96 1x1, relu6", new(1, 16, 6, 6, 96, 1, 1, 1, 0, 1, 1, true, 2)),
        ("MobileNetV2 depthwise 32 3x3 s2", new(1, 32, 8, 8, 32, 3, 3, 2, 1, 1, 32, true, 2)),
        ("MobileNetV2 project 96->24 1x1, linear", new(1, 96, 4, 4, 24, 1, 1, 1, 0, 1, 1, true, 0)),
    ];

    /// <summary>Shapes before this index also run both addsum modes; the layer shapes after it (many k steps on ilgpu-cpu) run fused only.</summary>
    private const int AllModesBelow = 4;

    public static TheoryData<int> Cases() => new(Enumerable.Range(0, Shapes.Length));

    [Fact]
    public void CpuBackend_DoesNotSupport_TheIlgpuOnlyKernel()
    {
        using var cpu = new CpuBackend();
        Assert.False(cpu.Supports(IlgpuOnlyKernels.Int8TensorCoreConv2d));
        Assert.DoesNotContain(IlgpuOnlyKernels.Int8TensorCoreConv2d, GeneratedKernels.All);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TensorCore_OnIlgpuCpu_IsBitExact_WithTheCpuInt8Conv2d(int shape)
    {
        var (name, c) = Shapes[shape];
        var random = new Random(7100 + shape);
        int depth = c.Cin / c.Groups * c.Kh * c.Kw;
        var (multipliers, shifts) = Int8Requant.RandomScales(random, c.Cout, depth);
        var input = Reference.RandomInt8(random, c.Batch * c.Cin * c.H * c.W);
        var weight = Reference.RandomInt8(random, c.Cout * depth);
        var bias = Enumerable.Range(0, c.Cout).Select(_ => random.Next(-20000, 20000)).ToArray();
        int inputZp = shape % 2 == 1 ? 3 : 0, outputZp = random.Next(-5, 6);
        var (lo, hi) = Int8Requant.Clamp(c.Activation, outputZp);
        int outputs = c.Batch * c.Cout * c.OutH * c.OutW;
        int[] scalars = [c.Batch, c.Cin, c.H, c.W, c.Cout, c.Kh, c.Kw, c.Stride, c.Stride, c.Pad, c.Pad, c.Dilation, c.Dilation, c.Groups,
            c.OutH, c.OutW, c.Bias ? 1 : 0, inputZp, outputZp, lo, hi];
        int columns = c.Batch * c.OutH * c.OutW, rowTiles = (c.Cout / c.Groups + 63) / 64;

        (sbyte[] Fused, int[] Written, int[] Accumulated) Run(Backend backend, KernelDescriptor kernel, LaunchGrid grid)
        {
            using var run = new KernelRunner(backend);
            KernelArgument[] Views(KernelArgument output, KernelArgument sums, int mode) =>
            [
                run.Upload(input), run.Upload(weight), run.Upload(bias), run.Upload(multipliers), run.Upload(shifts), output, sums,
                .. scalars.Select(KernelArgument.Int), KernelArgument.Int(mode),
            ];
            var fused = run.Upload(new sbyte[outputs]);
            run.Launch(kernel, grid, Views(fused, run.Upload(new int[1]), RequantizeKernels.Fused));
            if (shape >= AllModesBelow) return (run.Download<sbyte>(fused), [], []);
            var sums = run.Upload(Enumerable.Repeat(-777, outputs).ToArray());
            run.Launch(kernel, grid, Views(run.Upload(new sbyte[1]), sums, RequantizeKernels.AddSumWrite));
            var written = run.Download<int>(sums);
            run.Launch(kernel, grid, Views(run.Upload(new sbyte[1]), sums, RequantizeKernels.AddSumAccumulate));
            return (run.Download<sbyte>(fused), written, run.Download<int>(sums));
        }

        using var cpu = new CpuBackend();
        var expected = Run(cpu, GeneratedKernels.Int8Conv2dKernels_Int8Conv2d,
            new LaunchGrid(new Dim3(Int8Conv2dKernels.Threads, Int8Conv2dKernels.Threads), new Dim3((columns + 63) / 64, rowTiles, c.Groups)));
        using var ilgpu = new IlgpuCpuBackend();
        Assert.True(ilgpu.Supports(IlgpuOnlyKernels.Int8TensorCoreConv2d));
        var actual = Run(ilgpu, IlgpuOnlyKernels.Int8TensorCoreConv2d,
            new LaunchGrid(new Dim3(Int8TensorCoreConv2dKernels.Threads), new Dim3((columns + 63) / 64, rowTiles, c.Groups)));

        Assert.Contains(expected.Fused, v => v != expected.Fused[0]);
        Assert.True(expected.Fused.SequenceEqual(actual.Fused), $"{name}: fused int8 outputs differ");
        Assert.True(expected.Written.SequenceEqual(actual.Written), $"{name}: AddSumWrite sums differ");
        Assert.True(expected.Accumulated.SequenceEqual(actual.Accumulated), $"{name}: AddSumAccumulate sums differ");
    }
}
