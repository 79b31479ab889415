using GpuEngine.Kernels.Ops;
using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels;

/// <summary>
/// Descriptors written by hand for kernels that only ILGPU compiles (cuda, ilgpu-cpu): warp-collective code (shuffles,
/// <c>mma.sync</c>) the generator's cpu and OpenCL translations do not model. They carry <see cref="KernelDescriptor.Method"/>
/// and <see cref="KernelDescriptor.IlgpuLoader"/> only: no OpenCL source and no cpu binder, so the cpu and opencl
/// backends report <c>Supports(kernel) == false</c>; no counting variant, so a counting launch (profile) is refused
/// with the backend's one-line reason. They are not in <see cref="GeneratedKernels.All"/>.
/// </summary>
public static class IlgpuOnlyKernels
{
    /// <summary>
    /// <see cref="Int8TensorCoreConv2dKernels.Int8TensorCoreConv2d"/>: the flat arguments of
    /// <see cref="GeneratedKernels.Int8Conv2dKernels_Int8Conv2d"/>, with a 128-item group.
    /// </summary>
    public static KernelDescriptor Int8TensorCoreConv2d { get; } = new(
        "Int8TensorCoreConv2dKernels.Int8TensorCoreConv2d", "Int8TensorCoreConv2dKernels_Int8TensorCoreConv2d",
        GeneratedKernels.Int8Conv2dKernels_Int8Conv2d.Parameters, OpenClSource: "")
    {
        UsesBarrier = true,
        SharedMemoryBytes = (Int8TensorCoreConv2dKernels.TileM + Int8TensorCoreConv2dKernels.TileN) * Int8TensorCoreConv2dKernels.RowInts * sizeof(int),
        Method = typeof(Int8TensorCoreConv2dKernels).GetMethod(nameof(Int8TensorCoreConv2dKernels.Int8TensorCoreConv2d)),
        IlgpuLoader = static accelerator =>
        {
            var kernel = KernelLoaders.LoadKernel<ArrayView<sbyte>, ArrayView<sbyte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<sbyte>,
                ArrayView<int>, Int8Conv2dParams, SpecializedValue<int>>(accelerator, Int8TensorCoreConv2dKernels.Int8TensorCoreConv2d);
            return (stream, config, a) => kernel(stream, config, a[0].AsView<sbyte>(), a[1].AsView<sbyte>(), a[2].AsView<int>(), a[3].AsView<int>(),
                a[4].AsView<int>(), a[5].AsView<sbyte>(), a[6].AsView<int>(), Int8Conv2dArguments.Params(a, 7), SpecializedValue.New(a[28].AsInt()));
        },
    };

    /// <summary>
    /// <see cref="Int8TensorCoreConv2dNhwcKernels.Int8TensorCoreConv2dNhwc"/>: the arguments of <see cref="Int8TensorCoreConv2d"/>,
    /// with NHWC input and output views (plain NHWC: the same bytes as NCHW).
    /// </summary>
    public static KernelDescriptor Int8TensorCoreConv2dNhwc { get; } = new(
        "Int8TensorCoreConv2dNhwcKernels.Int8TensorCoreConv2dNhwc", "Int8TensorCoreConv2dNhwcKernels_Int8TensorCoreConv2dNhwc",
        GeneratedKernels.Int8Conv2dKernels_Int8Conv2d.Parameters, OpenClSource: "")
    {
        UsesBarrier = true,
        SharedMemoryBytes = Int8TensorCoreConv2d.SharedMemoryBytes,
        Method = typeof(Int8TensorCoreConv2dNhwcKernels).GetMethod(nameof(Int8TensorCoreConv2dNhwcKernels.Int8TensorCoreConv2dNhwc)),
        IlgpuLoader = static accelerator =>
        {
            var kernel = KernelLoaders.LoadKernel<ArrayView<sbyte>, ArrayView<sbyte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<sbyte>,
                ArrayView<int>, Int8Conv2dParams, SpecializedValue<int>>(accelerator, Int8TensorCoreConv2dNhwcKernels.Int8TensorCoreConv2dNhwc);
            return (stream, config, a) => kernel(stream, config, a[0].AsView<sbyte>(), a[1].AsView<sbyte>(), a[2].AsView<int>(), a[3].AsView<int>(),
                a[4].AsView<int>(), a[5].AsView<sbyte>(), a[6].AsView<int>(), Int8Conv2dArguments.Params(a, 7), SpecializedValue.New(a[28].AsInt()));
        },
    };
}

/// <summary>Rebuilds <see cref="Int8Conv2dParams"/> from its flattened launch arguments (field order).</summary>
internal static class Int8Conv2dArguments
{
    public static Int8Conv2dParams Params(ReadOnlySpan<IlgpuArgument> a, int first) => new()
    {
        Batch = a[first].AsInt(), InChannels = a[first + 1].AsInt(), Height = a[first + 2].AsInt(), Width = a[first + 3].AsInt(),
        OutChannels = a[first + 4].AsInt(), KernelH = a[first + 5].AsInt(), KernelW = a[first + 6].AsInt(),
        StrideH = a[first + 7].AsInt(), StrideW = a[first + 8].AsInt(), PadH = a[first + 9].AsInt(), PadW = a[first + 10].AsInt(),
        DilationH = a[first + 11].AsInt(), DilationW = a[first + 12].AsInt(), Groups = a[first + 13].AsInt(),
        OutH = a[first + 14].AsInt(), OutW = a[first + 15].AsInt(), HasBias = a[first + 16].AsInt(),
        InputZeroPoint = a[first + 17].AsInt(), OutputZeroPoint = a[first + 18].AsInt(), ClampMin = a[first + 19].AsInt(), ClampMax = a[first + 20].AsInt(),
    };
}
