using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Execution.Launchers;
using GpuEngine.Execution;
using GpuEngine.Kernels;
using static GpuEngine.Backends.Cpu.Simd.TacticArguments;

namespace GpuEngine.Execution.Tactics;

/// <summary>The "simd" tactic of fp32 <c>Conv2dKernels.Conv2d</c> launches: <see cref="Fp32Conv2d"/> (every shape).</summary>
internal sealed unsafe class Fp32Conv2dTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "Conv2dSimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 3;
        return ReferenceEquals(launch.Kernel, GeneratedKernels.Conv2dKernels_Conv2d);
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        var shape = Fp32Conv2dShape.FromArguments(a);
        var packed = PackedWeights.GetOrPack(a[1], $"fp32-conv-panels:{shape.Groups}x{shape.RowsPerGroup}x{shape.Depth}",
            () => Fp32Conv2d.Pack(shape, Copy<float>(a[1])));
        return new Fp32Conv2d(shape, packed, Pointer<float>(a[0]), Pointer<float>(a[2]), Pointer<float>(a[3]), Keep(a));
    }
}

/// <summary>
/// The "simd-channels" tactic of fp32 <c>Conv2dKernels.Conv2d</c> launches: <see cref="Fp32ChannelConv"/>, vectorized
/// along output channels, for convs with at least 8 channels per group (fewer would leave most of a vector empty).
/// Registered before <see cref="Fp32Conv2dTactic"/>, so it is the fixed choice where it applies: it measured faster on
/// every conv of RepVGG-N1 112, RepVGG-A0 224 and VGG11 64 (7×7 to 112×112 maps, 16 to 1280 channels).
/// </summary>
internal sealed unsafe class Fp32ChannelConvTactic : ICpuTactic
{
    /// <summary>
    /// Output pixels per image up to which this tactic applies: all unless GPUENGINE_CPU_CONV_CHANNELS_MAX_PIXELS says
    /// otherwise (0 leaves every conv to <see cref="Fp32Conv2dTactic"/>: before/after measurements).
    /// </summary>
    public static int MaxPixels { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("GPUENGINE_CPU_CONV_CHANNELS_MAX_PIXELS"), out int pixels) && pixels >= 0 ? pixels : int.MaxValue;

    public string Name => "simd-channels";
    public string KernelName => "Conv2dSimdChannels";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 3;
        if (!ReferenceEquals(launch.Kernel, GeneratedKernels.Conv2dKernels_Conv2d)) return false;
        var shape = Fp32Conv2dShape.FromArguments(launch.Arguments);
        if (shape.Pixels > MaxPixels || shape.RowsPerGroup < 8) return false;
        // A first layer (k of a few dozen) over a large map, its channels a multiple of the GEMM's 6-row panels:
        // the im2col GEMM has no edge tiles there, and this conv's NCHW transposition would cost more than its FMAs
        // (RepVGG-A0 224 stage0, 3 -> 48: 0.49 ms against 0.75 ms).
        return !(shape.Depth <= 32 && shape.Pixels >= 1024 && shape.RowsPerGroup % Fp32Gemm.Rows == 0);
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        var shape = Fp32Conv2dShape.FromArguments(a);
        string tag = $"{shape.Groups}x{shape.RowsPerGroup}x{shape.Depth}";
        var packed = PackedWeights.GetOrPack(a[1], "fp32-conv-channels:" + tag, () => Fp32ChannelConv.Pack(shape, Copy<float>(a[1])));
        var bias = shape.HasBias
            ? PackedWeights.GetOrPack(a[2], "fp32-conv-bias:" + tag, () => Fp32ChannelConv.PackBias(shape, Copy<float>(a[2])))
            : Fp32ChannelConv.PackBias(shape, []);
        return new Fp32ChannelConv(shape, packed, bias, Pointer<float>(a[0]), Pointer<float>(a[3]), Keep(a));
    }
}

/// <summary>The "simd" tactic of <c>DepthwiseConv2dKernels.DepthwiseConv2d</c> launches: <see cref="Fp32Depthwise"/>.</summary>
internal sealed unsafe class Fp32DepthwiseTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "DepthwiseConv2dSimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 3;
        return ReferenceEquals(launch.Kernel, GeneratedKernels.DepthwiseConv2dKernels_DepthwiseConv2d);
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        return new Fp32Depthwise(Fp32DepthwiseShape.FromArguments(a), Pointer<float>(a[0]), Pointer<float>(a[1]), Pointer<float>(a[2]),
            Pointer<float>(a[3]), Keep(a));
    }
}

/// <summary>The "simd" tactic of both Linear kernels (<c>LinearRows</c>, <c>LinearTiled</c>): <see cref="Fp32Linear"/>.</summary>
internal sealed unsafe class Fp32LinearTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "LinearSimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 3;
        return ReferenceEquals(launch.Kernel, GeneratedKernels.LinearKernels_LinearRows) || ReferenceEquals(launch.Kernel, GeneratedKernels.LinearKernels_LinearTiled);
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        // LinearRows: (in, out, hasBias, activation) at 4..7, the batch from the output; LinearTiled: (batch, in, out, hasBias, activation) at 4..8.
        bool rows = ReferenceEquals(launch.Kernel, GeneratedKernels.LinearKernels_LinearRows);
        int at = rows ? 4 : 5;
        int inFeatures = a[at].ScalarBits, outFeatures = a[at + 1].ScalarBits;
        int batch = rows ? (int)(a[3].Length / outFeatures) : a[4].ScalarBits;
        return new Fp32Linear(batch, inFeatures, outFeatures, a[at + 2].ScalarBits != 0, a[at + 3].ScalarBits,
            Pointer<float>(a[0]), Pointer<float>(a[1]), Pointer<float>(a[2]), Pointer<float>(a[3]), Keep(a));
    }
}
