using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Backends.IlgpuCpu;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Kernels.TensorCore;

/// <summary>
/// The NHWC tensor-core conv on ilgpu-cpu against the cpu backend's dp4a <c>Int8Conv2d</c> (NCHW) on the same operands:
/// the test transposes the input to NHWC and the kernel's output back, and asks for the same bits (int8 fused outputs,
/// int32 addsums written and accumulated). Shapes cover both activation paths (32-bit loads when the group's channels are
/// a multiple of 4, byte gathers otherwise), odd channels, stride 2, padding 0 and 1, batch 2, groups, 1×1 and 3×3.
/// </summary>
public class Int8TensorCoreConv2dNhwcTests
{
    private static readonly (string Name, ConvCase Case)[] Shapes =
    [
        ("stem 3->8 3x3 pad 1, bytes", new(1, 3, 9, 11, 8, 3, 3, 1, 1, 1, 1, true, 1)),
        ("odd 5->7 1x1 batch 2 pad 0", new(2, 5, 7, 6, 7, 1, 1, 1, 0, 1, 1, false, 0)),
        ("16->24 3x3 stride 2 batch 2, words", new(2, 16, 7, 9, 24, 3, 3, 2, 1, 1, 1, true, 2)),
        ("grouped 8->12 g2 3x3 pad 0, words", new(1, 8, 8, 8, 12, 3, 3, 1, 0, 1, 2, true, 1)),
        ("grouped odd 6->9 g3 dilated, bytes", new(1, 6, 8, 8, 9, 3, 2, 1, 2, 2, 3, true, 0)),
        ("RepVGG 16->16 3x3 batch 2, words", new(2, 16, 8, 8, 16, 3, 3, 1, 1, 1, 1, true, 1)),
        ("pointwise 20->70 rows > 64, words", new(1, 20, 5, 5, 70, 1, 1, 1, 0, 1, 1, true, 0)),
    ];

    public static TheoryData<int> Cases() => new(Enumerable.Range(0, Shapes.Length));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nhwc_OnIlgpuCpu_IsBitExact_WithTheCpuInt8Conv2d(int shape)
    {
        var (name, c) = Shapes[shape];
        var random = new Random(7300 + shape);
        int depth = c.Cin / c.Groups * c.Kh * c.Kw;
        var (multipliers, shifts) = Int8Requant.RandomScales(random, c.Cout, depth);
        var input = Reference.RandomInt8(random, c.Batch * c.Cin * c.H * c.W);
        var weight = Reference.RandomInt8(random, c.Cout * depth);
        var bias = Enumerable.Range(0, c.Cout).Select(_ => random.Next(-20000, 20000)).ToArray();
        int inputZp = shape % 2 == 0 ? 3 : 0, outputZp = random.Next(-5, 6);
        var (lo, hi) = Int8Requant.Clamp(c.Activation, outputZp);
        int outputs = c.Batch * c.Cout * c.OutH * c.OutW;
        int[] scalars = [c.Batch, c.Cin, c.H, c.W, c.Cout, c.Kh, c.Kw, c.Stride, c.Stride, c.Pad, c.Pad, c.Dilation, c.Dilation, c.Groups,
            c.OutH, c.OutW, c.Bias ? 1 : 0, inputZp, outputZp, lo, hi];
        int columns = c.Batch * c.OutH * c.OutW, rowTiles = (c.Cout / c.Groups + 63) / 64;
        var grid = new LaunchGrid(new Dim3(Int8TensorCoreConv2dKernels.Threads), new Dim3((columns + 63) / 64, rowTiles, c.Groups));

        (sbyte[] Fused, int[] Written, int[] Accumulated) Run(Backend backend, KernelDescriptor kernel, LaunchGrid grid, sbyte[] x)
        {
            using var run = new KernelRunner(backend);
            KernelArgument[] Views(KernelArgument output, KernelArgument sums, int mode) =>
            [
                run.Upload(x), run.Upload(weight), run.Upload(bias), run.Upload(multipliers), run.Upload(shifts), output, sums,
                .. scalars.Select(KernelArgument.Int), KernelArgument.Int(mode),
            ];
            var fused = run.Upload(new sbyte[outputs]);
            run.Launch(kernel, grid, Views(fused, run.Upload(new int[1]), RequantizeKernels.Fused));
            var sums = run.Upload(Enumerable.Repeat(-777, outputs).ToArray());
            run.Launch(kernel, grid, Views(run.Upload(new sbyte[1]), sums, RequantizeKernels.AddSumWrite));
            var written = run.Download<int>(sums);
            run.Launch(kernel, grid, Views(run.Upload(new sbyte[1]), sums, RequantizeKernels.AddSumAccumulate));
            return (run.Download<sbyte>(fused), written, run.Download<int>(sums));
        }

        using var cpu = new CpuBackend();
        var expected = Run(cpu, GeneratedKernels.Int8Conv2dKernels_Int8Conv2d,
            new LaunchGrid(new Dim3(Int8Conv2dKernels.Threads, Int8Conv2dKernels.Threads), new Dim3((columns + 63) / 64, rowTiles, c.Groups)), input);
        using var ilgpu = new IlgpuCpuBackend();
        Assert.True(ilgpu.Supports(IlgpuOnlyKernels.Int8TensorCoreConv2dNhwc));
        var nhwc = Run(ilgpu, IlgpuOnlyKernels.Int8TensorCoreConv2dNhwc, grid, ToNhwc(input, c.Batch, c.Cin, c.H, c.W));

        Assert.Contains(expected.Fused, v => v != expected.Fused[0]);
        Assert.True(expected.Fused.SequenceEqual(ToNchw(nhwc.Fused, c.Batch, c.Cout, c.OutH, c.OutW)), $"{name}: fused int8 outputs differ");
        Assert.True(expected.Written.SequenceEqual(ToNchw(nhwc.Written, c.Batch, c.Cout, c.OutH, c.OutW)), $"{name}: AddSumWrite sums differ");
        Assert.True(expected.Accumulated.SequenceEqual(ToNchw(nhwc.Accumulated, c.Batch, c.Cout, c.OutH, c.OutW)), $"{name}: AddSumAccumulate sums differ");
    }

    [Fact]
    public void CpuBackend_DoesNotSupport_TheNhwcKernel()
    {
        using var cpu = new CpuBackend();
        Assert.False(cpu.Supports(IlgpuOnlyKernels.Int8TensorCoreConv2dNhwc));
        Assert.DoesNotContain(IlgpuOnlyKernels.Int8TensorCoreConv2dNhwc, GeneratedKernels.All);
    }

    /// <summary>NCHW to NHWC by the definition (the test's own loops, not the engine's conversion kernel).</summary>
    internal static T[] ToNhwc<T>(T[] nchw, int n, int c, int h, int w)
    {
        var result = new T[nchw.Length];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        result[((b * h + y) * w + x) * c + ch] = nchw[((b * c + ch) * h + y) * w + x];
        return result;
    }

    /// <summary>NHWC to NCHW by the definition.</summary>
    internal static T[] ToNchw<T>(T[] nhwc, int n, int c, int h, int w)
    {
        var result = new T[nhwc.Length];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        result[((b * c + ch) * h + y) * w + x] = nhwc[((b * h + y) * w + x) * c + ch];
        return result;
    }
}
