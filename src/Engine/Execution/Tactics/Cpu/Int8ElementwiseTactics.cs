using GpuEngine.Backends;
using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Execution.Launchers;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using static GpuEngine.Backends.Cpu.Simd.TacticArguments;

namespace GpuEngine.Execution.Tactics;

/// <summary>
/// The "simd" tactics of the int8 edges, the int8 residual Add and the int8 max pool, all bit-exact with their reference
/// kernels (AVX2; off when <see cref="Int8Simd.Current"/> is None, as the other int8 tactics).
/// </summary>
internal abstract class Int8ElementwiseTactic(string kernelName, KernelDescriptor reference, int writtenArgument) : ICpuTactic
{
    public string Name => "simd";
    public string KernelName => kernelName;

    public bool TryApply(KernelLaunch launch, out int written)
    {
        written = writtenArgument;
        return ReferenceEquals(launch.Kernel, reference) && Int8Simd.Current != Int8SimdPath.None;
    }

    public abstract CpuTacticRun Bind(KernelLaunch launch);

    protected static float FloatAt(KernelArgument argument) => BitConverter.Int32BitsToSingle(argument.ScalarBits);
}

/// <summary><c>QuantizeKernels.Quantize</c>: (input, output, count, inverseScale, zeroPoint).</summary>
internal sealed unsafe class Int8QuantizeTactic() : Int8ElementwiseTactic("QuantizeSimd", GeneratedKernels.QuantizeKernels_Quantize, 1)
{
    public override CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        return new Int8SimdQuantize(Pointer<float>(a[0]), Pointer<sbyte>(a[1]), a[2].ScalarBits, FloatAt(a[3]), a[4].ScalarBits, Keep(a));
    }
}

/// <summary><c>QuantizeKernels.Dequantize</c>: (input, output, count, scale, zeroPoint).</summary>
internal sealed unsafe class Int8DequantizeTactic() : Int8ElementwiseTactic("DequantizeSimd", GeneratedKernels.QuantizeKernels_Dequantize, 1)
{
    public override CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        return new Int8SimdDequantize(Pointer<sbyte>(a[0]), Pointer<float>(a[1]), a[2].ScalarBits, FloatAt(a[3]), a[4].ScalarBits, Keep(a));
    }
}

/// <summary><c>RequantizeKernels.Requantize</c>: (accumulator, multiplier, shift, output, channels, pixels, count, zeroPoint, clampMin, clampMax).</summary>
internal sealed unsafe class Int8RequantizeTactic() : Int8ElementwiseTactic("RequantizeSimd", GeneratedKernels.RequantizeKernels_Requantize, 3)
{
    public override CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        return new Int8SimdRequantize(Pointer<int>(a[0]), Pointer<int>(a[1]), Pointer<int>(a[2]), Pointer<sbyte>(a[3]), a[4].ScalarBits, a[5].ScalarBits,
            a[6].ScalarBits, a[7].ScalarBits, a[8].ScalarBits, a[9].ScalarBits, Keep(a));
    }
}

/// <summary><c>Int8AddKernels.Int8Add</c>: (a, b, output, then the fields of <see cref="Int8AddParams"/>).</summary>
internal sealed unsafe class Int8AddTactic() : Int8ElementwiseTactic("Int8AddSimd", GeneratedKernels.Int8AddKernels_Int8Add, 2)
{
    public override CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        var p = new Int8AddParams
        {
            Count = a[3].ScalarBits, MultiplierA = a[4].ScalarBits, ShiftA = a[5].ScalarBits, MultiplierB = a[6].ScalarBits, ShiftB = a[7].ScalarBits,
            OutputMultiplier = a[8].ScalarBits, OutputShift = a[9].ScalarBits, ClampMin = a[10].ScalarBits, ClampMax = a[11].ScalarBits,
        };
        return new Int8SimdAdd(Pointer<sbyte>(a[0]), Pointer<sbyte>(a[1]), Pointer<sbyte>(a[2]), p, Keep(a));
    }
}

/// <summary><c>Int8Pool2dKernels.Int8MaxPool2d</c>: (input, output, then the fields of <see cref="Pool2dParams"/>).</summary>
internal sealed unsafe class Int8MaxPoolTactic() : Int8ElementwiseTactic("Int8MaxPool2dSimd", GeneratedKernels.Int8Pool2dKernels_Int8MaxPool2d, 1)
{
    public override CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        return new Int8SimdMaxPool(Pointer<sbyte>(a[0]), Pointer<sbyte>(a[1]), PoolArguments.Params(a), Keep(a));
    }
}

/// <summary>The pooling kernels' <see cref="Pool2dParams"/>, flattened after the two views.</summary>
internal static class PoolArguments
{
    public static Pool2dParams Params(KernelArgument[] a) => new()
    {
        Planes = a[2].ScalarBits, Height = a[3].ScalarBits, Width = a[4].ScalarBits, KernelH = a[5].ScalarBits, KernelW = a[6].ScalarBits,
        StrideH = a[7].ScalarBits, StrideW = a[8].ScalarBits, PadH = a[9].ScalarBits, PadW = a[10].ScalarBits, OutH = a[11].ScalarBits, OutW = a[12].ScalarBits,
    };
}

/// <summary><c>Int8Pool2dKernels.Int8AdaptiveAvgPool2d</c> (non-global): (input, output, planes, height, width, outH, outW).</summary>
internal sealed unsafe class Int8AdaptiveAvgPoolTactic()
    : Int8ElementwiseTactic("Int8AdaptiveAvgPool2dSimd", GeneratedKernels.Int8Pool2dKernels_Int8AdaptiveAvgPool2d, 1)
{
    public override CpuTacticRun Bind(KernelLaunch launch)
    {
        var a = launch.Arguments;
        return new SimdAdaptiveAvgPool(Pointer<sbyte>(a[0]), Pointer<sbyte>(a[1]), int8: true, a[2].ScalarBits, a[3].ScalarBits, a[4].ScalarBits,
            a[5].ScalarBits, a[6].ScalarBits, Keep(a));
    }
}
