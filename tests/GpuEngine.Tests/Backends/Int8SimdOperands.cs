using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Kernels.Ops;
using GpuEngine.Tests.Kernels;
using Case = GpuEngine.Tests.Backends.Int8SimdConvTests.Case;

namespace GpuEngine.Tests.Backends;

/// <summary>Random int8 operands of one conv case, its exact sums by the definition, and both ways to run it.</summary>
internal sealed record Operands(Case Case, sbyte[] Input, sbyte[] Weight, int[] Bias, int[] Multipliers, int[] Shifts, int OutputZp)
{
    public static Operands Make(Case c, Random random)
    {
        int depth = c.Cin / c.Groups * c.Kh * c.Kw;
        var (multipliers, shifts) = Int8Requant.RandomScales(random, c.Cout, depth);
        // Weights as the quantizer makes them (−127..127); inputs over the whole int8 range, −128 included.
        var weight = Enumerable.Range(0, c.Cout * depth).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        return new(c, GpuEngine.Tests.Kernels.Reference.RandomInt8(random, c.Batch * c.Cin * c.H * c.W), weight,
            Enumerable.Range(0, c.Cout).Select(_ => random.Next(-20000, 20000)).ToArray(), multipliers, shifts, random.Next(-5, 6));
    }

    /// <summary>Exact sums (bias included), padding reading the input zero point: int64 loops over the definition.</summary>
    public long[] Sums()
    {
        var c = Case;
        return new GpuEngine.Tests.Kernels.ConvCase(c.Batch, c.Cin, c.H, c.W, c.Cout, c.Kh, c.Kw, c.Stride, c.Pad, c.Dilation, c.Groups, c.Bias, c.Activation)
            .Int8Sums(Input, Weight, Bias, c.InputZp);
    }

    public Int8Conv2dParams Params()
    {
        var c = Case;
        var (lo, hi) = Int8Requant.Clamp(c.Activation, OutputZp);
        return new Int8Conv2dParams
        {
            Batch = c.Batch, InChannels = c.Cin, Height = c.H, Width = c.W, OutChannels = c.Cout, KernelH = c.Kh, KernelW = c.Kw,
            StrideH = c.Stride, StrideW = c.Stride, PadH = c.Pad, PadW = c.Pad, DilationH = c.Dilation, DilationW = c.Dilation,
            Groups = c.Groups, OutH = c.OutH, OutW = c.OutW, HasBias = c.Bias ? 1 : 0, InputZeroPoint = c.InputZp,
            OutputZeroPoint = OutputZp, ClampMin = lo, ClampMax = hi,
        };
    }

    /// <summary>The reference kernel's arguments (<see cref="Int8Conv2dParams"/> in field order, then the mode).</summary>
    public KernelArgument[] Arguments(KernelRunner run, KernelArgument output, KernelArgument accumulator, int mode)
    {
        var p = Params();
        return
        [
            run.Upload(Input), run.Upload(Weight), run.Upload(Bias), run.Upload(Multipliers), run.Upload(Shifts), output, accumulator,
            .. new[]
            {
                p.Batch, p.InChannels, p.Height, p.Width, p.OutChannels, p.KernelH, p.KernelW, p.StrideH, p.StrideW, p.PadH, p.PadW,
                p.DilationH, p.DilationW, p.Groups, p.OutH, p.OutW, p.HasBias, p.InputZeroPoint, p.OutputZeroPoint, p.ClampMin, p.ClampMax, mode,
            }.Select(KernelArgument.Int),
        ];
    }

    /// <summary>The SIMD kernel the case takes on <paramref name="path"/>: depthwise, or the conv in <paramref name="form"/> (else the one it picks).</summary>
    public object Prepare(Int8SimdPath path, Int8ConvForm? form = null)
    {
        var p = Params();
        if (Int8SimdDepthwiseConv2d.Applies(p, path)) return new Int8SimdDepthwiseConv2d(p, Weight, path);
        Assert.True(Int8SimdConv2d.Applies(p, path));
        var conv = form is { } f ? new Int8SimdConv2d(p, Weight, path, f) : new Int8SimdConv2d(p, Weight, path);
        Assert.Equal(path, conv.Path);
        Assert.Equal(form ?? Int8SimdConv2d.FormFor(p), conv.Form);
        return conv;
    }

    public void Run(object kernel, sbyte[] output, int[] accumulator, int mode)
    {
        if (kernel is Int8SimdConv2d conv) conv.Run(Input, Bias, Multipliers, Shifts, output, accumulator, mode);
        else ((Int8SimdDepthwiseConv2d)kernel).Run(Input, Bias, Multipliers, Shifts, output, accumulator, mode);
    }
}
