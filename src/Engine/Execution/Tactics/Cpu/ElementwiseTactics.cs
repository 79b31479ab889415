using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Execution.Launchers;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using static GpuEngine.Backends.Cpu.Simd.TacticArguments;

namespace GpuEngine.Execution.Tactics;

/// <summary>The "simd" tactic of fp32 <c>ElementwiseKernels.Unary</c>: (input, output, count, alpha, beta, kind) → <see cref="Fp32SimdUnary"/>.</summary>
internal sealed unsafe class Fp32UnaryTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "UnarySimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 1;
        return ReferenceEquals(launch.Kernel, GeneratedKernels.ElementwiseKernels_Unary) && launch.Arguments[5].ScalarBits is >= 0 and <= ElementwiseMath.LeakyRelu;
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        return new Fp32SimdUnary(Pointer<float>(a[0]), Pointer<float>(a[1]), a[2].ScalarBits, a[5].ScalarBits,
            BitConverter.Int32BitsToSingle(a[3].ScalarBits), BitConverter.Int32BitsToSingle(a[4].ScalarBits), Keep(a));
    }
}

/// <summary>The "simd" tactic of the standalone <c>ActivationKernels.Relu</c> and <c>Relu6</c>: (input, output, count).</summary>
internal sealed unsafe class Fp32ActivationTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "ActivationSimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 1;
        return ReferenceEquals(launch.Kernel, GeneratedKernels.ActivationKernels_Relu) || ReferenceEquals(launch.Kernel, GeneratedKernels.ActivationKernels_Relu6);
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        int kind = ReferenceEquals(launch.Kernel, GeneratedKernels.ActivationKernels_Relu) ? Fp32SimdUnary.Relu : Fp32SimdUnary.Relu6;
        return new Fp32SimdUnary(Pointer<float>(a[0]), Pointer<float>(a[1]), a[2].ScalarBits, kind, 0f, 0f, Keep(a));
    }
}

/// <summary>The "simd" tactic of fp32 <c>AddKernels.Add</c> (same shapes, fused activation): (a, b, output, count, activation).</summary>
internal sealed unsafe class Fp32AddTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "AddSimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 2;
        return ReferenceEquals(launch.Kernel, GeneratedKernels.AddKernels_Add) && launch.Arguments[4].ScalarBits is >= FusedActivation.None and <= FusedActivation.Relu6;
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        return new Fp32SimdBinary(Pointer<float>(a[0]), Pointer<float>(a[1]), Pointer<float>(a[2]), Fp32BroadcastShape.Flat(a[3].ScalarBits),
            ElementwiseMath.Add, a[4].ScalarBits, Keep(a));
    }
}

/// <summary>
/// The "simd" tactic of fp32 <c>ElementwiseKernels.Binary</c> (broadcasting Add, Sub, Mul, Div, Max): (a, b, output, then
/// the fields of <see cref="BroadcastParams"/>, then kind).
/// </summary>
internal sealed unsafe class Fp32BinaryTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "BinarySimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 2;
        return ReferenceEquals(launch.Kernel, GeneratedKernels.ElementwiseKernels_Binary) && launch.Arguments[15].ScalarBits is >= 0 and <= ElementwiseMath.Max;
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        int count = a[3].ScalarBits;
        long d1 = a[4].ScalarBits, d2 = a[5].ScalarBits, d3 = a[6].ScalarBits;
        long d0 = d1 * d2 * d3 == 0 ? 0 : count / (d1 * d2 * d3);
        var shape = Fp32BroadcastShape.Collapse(count, [d0, d1, d2, d3], [.. a[7..11].Select(x => (long)x.ScalarBits)], [.. a[11..15].Select(x => (long)x.ScalarBits)]);
        return new Fp32SimdBinary(Pointer<float>(a[0]), Pointer<float>(a[1]), Pointer<float>(a[2]), shape, a[15].ScalarBits, FusedActivation.None, Keep(a));
    }
}

/// <summary>The "simd" tactic of fp32 <c>Pool2dKernels.GlobalAvgPool</c>: (input, output [planes], pixels).</summary>
internal sealed unsafe class Fp32GlobalAvgPoolTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "GlobalAvgPoolSimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 1;
        return ReferenceEquals(launch.Kernel, GeneratedKernels.Pool2dKernels_GlobalAvgPool);
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        return new Fp32SimdGlobalAvgPool(Pointer<float>(a[0]), Pointer<float>(a[1]), (int)a[1].Length, a[2].ScalarBits, Keep(a));
    }
}

/// <summary>The "simd" tactic of fp32 <c>Pool2dKernels.MaxPool2d</c> and <c>AvgPool2d</c>: (input, output, <see cref="Pool2dParams"/>[, countIncludePad]).</summary>
internal sealed unsafe class Fp32WindowPoolTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "Pool2dSimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 1;
        return ReferenceEquals(launch.Kernel, GeneratedKernels.Pool2dKernels_MaxPool2d) || ReferenceEquals(launch.Kernel, GeneratedKernels.Pool2dKernels_AvgPool2d);
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        bool max = ReferenceEquals(launch.Kernel, GeneratedKernels.Pool2dKernels_MaxPool2d);
        return new Fp32SimdWindowPool(Pointer<float>(a[0]), Pointer<float>(a[1]), PoolArguments.Params(a), max, !max && a[13].ScalarBits != 0, Keep(a));
    }
}

/// <summary>The "simd" tactic of fp32 <c>Pool2dKernels.AdaptiveAvgPool2d</c> (non-global): (input, output, planes, height, width, outH, outW).</summary>
internal sealed unsafe class Fp32AdaptiveAvgPoolTactic : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => "AdaptiveAvgPool2dSimd";

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = 1;
        return ReferenceEquals(launch.Kernel, GeneratedKernels.Pool2dKernels_AdaptiveAvgPool2d);
    }

    public CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        return new SimdAdaptiveAvgPool(Pointer<float>(a[0]), Pointer<float>(a[1]), int8: false, a[2].ScalarBits, a[3].ScalarBits, a[4].ScalarBits,
            a[5].ScalarBits, a[6].ScalarBits, Keep(a));
    }
}
