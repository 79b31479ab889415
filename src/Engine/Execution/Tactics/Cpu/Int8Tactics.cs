using GpuEngine.Backends;
using GpuEngine.Execution.Launchers;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Execution;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using static GpuEngine.Backends.Cpu.Simd.TacticArguments;

namespace GpuEngine.Execution.Tactics;

/// <summary>
/// The "simd" tactics of the int8 reference kernels: <c>Int8Conv2d</c> (packed GEMM, or the depthwise kernel for
/// depthwise shapes) and <c>Int8Linear</c>. Bit-exact with the reference, so tuned validation compares them exactly.
/// Addsum-accumulate launches are not offered (the counting build would add twice); sessions plan none. The path is
/// <see cref="Int8Simd.Current"/> at bind time (tests force narrower ones; None turns these tactics off).
/// </summary>
internal static class Int8LaunchArguments
{
    // Int8Conv2d and Int8Linear: input, weight, bias, multiplier, shift, int8 output, int32 accumulator, then scalars.
    public const int Int8Output = 5, Int8Accumulator = 6, Scalars = 7;

    public static int Mode(KernelLaunch launch) => launch.Arguments[^1].ScalarBits;

    public static int Written(int mode) => mode == RequantizeKernels.Fused ? Int8Output : Int8Accumulator;

    /// <summary><see cref="Int8Conv2dParams"/> from the launch's scalars, in field order.</summary>
    public static Int8Conv2dParams ConvParams(KernelArgument[] a)
    {
        int Next(ref int i) => a[i++].ScalarBits;
        int i = Scalars;
        return new Int8Conv2dParams
        {
            Batch = Next(ref i), InChannels = Next(ref i), Height = Next(ref i), Width = Next(ref i), OutChannels = Next(ref i),
            KernelH = Next(ref i), KernelW = Next(ref i), StrideH = Next(ref i), StrideW = Next(ref i), PadH = Next(ref i), PadW = Next(ref i),
            DilationH = Next(ref i), DilationW = Next(ref i), Groups = Next(ref i), OutH = Next(ref i), OutW = Next(ref i), HasBias = Next(ref i),
            InputZeroPoint = Next(ref i), OutputZeroPoint = Next(ref i), ClampMin = Next(ref i), ClampMax = Next(ref i),
        };
    }

    public static bool Tunable(KernelLaunch launch, KernelDescriptor kernel) =>
        ReferenceEquals(launch.Kernel, kernel) && Mode(launch) != RequantizeKernels.AddSumAccumulate && Int8Simd.Current != Int8SimdPath.None;
}

/// <summary>A bound int8 SIMD launch: the kernel object (its own parallel body) and the launch's raw views.</summary>
internal sealed unsafe class Int8TacticRun(Action<Int8TacticRun> execute, KernelArgument[] a) : CpuTacticRun
{
    private readonly object[] _keep = Keep(a);

    public sbyte* Input { get; } = Pointer<sbyte>(a[0]);
    public int* Bias { get; } = Pointer<int>(a[2]);
    public int* Multiplier { get; } = Pointer<int>(a[3]);
    public int* Shift { get; } = Pointer<int>(a[4]);
    public sbyte* Output { get; } = Pointer<sbyte>(a[Int8LaunchArguments.Int8Output]);
    public int* Accumulator { get; } = Pointer<int>(a[Int8LaunchArguments.Int8Accumulator]);
    public int Mode { get; } = a[^1].ScalarBits;

    public override void Execute()
    {
        GC.KeepAlive(_keep);
        execute(this);
    }

    /// <summary>Never called: the int8 kernels spread their jobs with their own bodies.</summary>
    public override void Run(int index) => throw new NotSupportedException("int8 SIMD jobs run through the kernel's own body");
}

/// <summary>The "simd" tactic of <c>Int8Conv2d</c> launches: <see cref="Int8SimdDepthwiseConv2d"/> or <see cref="Int8SimdConv2d"/>.</summary>
internal sealed unsafe class Int8Conv2dTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "Int8Conv2dSimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 0;
        if (!Int8LaunchArguments.Tunable(launch, GeneratedKernels.Int8Conv2dKernels_Int8Conv2d)) return false;
        var p = Int8LaunchArguments.ConvParams(launch.Arguments);
        written = Int8LaunchArguments.Written(Int8LaunchArguments.Mode(launch));
        return Int8SimdConv2d.Applies(p, Int8Simd.Current) || Int8SimdDepthwiseConv2d.Applies(p, Int8Simd.Current);
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        var p = Int8LaunchArguments.ConvParams(a);
        var path = Int8Simd.Current;
        if (Int8SimdDepthwiseConv2d.Applies(p, path))
        {
            var taps = PackedWeights.GetOrPack(a[1], $"int8-depthwise-{path}:{p.OutChannels}x{p.KernelH}x{p.KernelW}", () => Int8SimdDepthwiseConv2d.Pack(p, Copy<sbyte>(a[1]), path));
            var depthwise = new Int8SimdDepthwiseConv2d(p, taps, path);
            return new Int8TacticRun(r => depthwise.Run(r.Input, r.Bias, r.Multiplier, r.Shift, r.Output, r.Accumulator, r.Mode), a);
        }
        var packed = PackedWeights.GetOrPack(a[1], $"int8-conv-{path}-{Int8SimdConv2d.FormFor(p)}:{p.OutChannels}x{p.InChannels}x{p.Groups}x{p.KernelH}x{p.KernelW}",
            () => Int8SimdConv2d.Pack(p, Copy<sbyte>(a[1]), path));
        var conv = new Int8SimdConv2d(p, packed, path);
        return new Int8TacticRun(r => conv.Run(r.Input, r.Bias, r.Multiplier, r.Shift, r.Output, r.Accumulator, r.Mode), a);
    }
}

/// <summary>The "simd" tactic of <c>Int8Linear</c> launches (small batches; large ones are planned as a 1×1 Int8Conv2d): <see cref="Int8SimdLinear"/>.</summary>
internal sealed unsafe class Int8LinearTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "Int8LinearSimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 0;
        if (!Int8LaunchArguments.Tunable(launch, GeneratedKernels.Int8LinearKernels_Int8Linear)) return false;
        written = Int8LaunchArguments.Written(Int8LaunchArguments.Mode(launch));
        return true;
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        int s = Int8LaunchArguments.Scalars;
        var p = new Int8LinearParams
        {
            InFeatures = a[s].ScalarBits, OutFeatures = a[s + 1].ScalarBits, HasBias = a[s + 2].ScalarBits,
            OutputZeroPoint = a[s + 3].ScalarBits, ClampMin = a[s + 4].ScalarBits, ClampMax = a[s + 5].ScalarBits,
        };
        int batch = (int)(a[Int8LaunchArguments.Written(Int8LaunchArguments.Mode(launch))].Length / p.OutFeatures);
        var path = Int8Simd.Current;
        var packed = PackedWeights.GetOrPack(a[1], $"int8-linear-{path}:{p.OutFeatures}x{p.InFeatures}", () => Int8SimdLinear.Pack(p, Copy<sbyte>(a[1]), path));
        var linear = new Int8SimdLinear(p, batch, packed, path);
        return new Int8TacticRun(r => linear.Run(r.Input, r.Bias, r.Multiplier, r.Shift, r.Output, r.Accumulator, r.Mode), a);
    }
}

/// <summary>The "simd" tactic of <c>Int8GlobalAvgPool</c> launches (off when <see cref="Int8Simd.Current"/> is None).</summary>
internal sealed unsafe class Int8GlobalAvgPoolTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "Int8GlobalAvgPoolSimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 1;
        return ReferenceEquals(launch.Kernel, GeneratedKernels.Int8GlobalAvgPoolKernels_Int8GlobalAvgPool) && Int8Simd.Current != Int8SimdPath.None;
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        return new Int8SimdGlobalAvgPool(Pointer<sbyte>(a[0]), Pointer<sbyte>(a[1]), (int)a[1].Length, a[2].ScalarBits, a[3].ScalarBits,
            a[4].ScalarBits, a[5].ScalarBits, a[6].ScalarBits, Keep(a));
    }
}
