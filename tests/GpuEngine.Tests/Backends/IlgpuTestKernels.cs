using GpuEngine.Kernels;
using ILGPU;
using ILGPU.Runtime;
using Atomic = ILGPU.Atomic;
using Group = ILGPU.Group;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// Two small explicitly grouped ILGPU kernels with hand-written loaders, exactly as the generator emits them
/// (<see cref="IlgpuLoader"/> binds <see cref="IlgpuArgument"/>s to the typed parameters in
/// <see cref="KernelDescriptor.Parameters"/> order), so the ILGPU backends are tested without the generator.
/// Public: ILGPU's CPU accelerator emits its launcher in another assembly, which must see the parameter types.
/// </summary>
public static class IlgpuTestKernels
{
    /// <summary>Work items per group of <see cref="SaxpyGroupSum"/> (its shared tile).</summary>
    public const int GroupSize = 64;

    /// <summary>Bytes the counting variant of <see cref="SaxpyGroupSum"/> moves: x, y read and result written per element, one sum per group.</summary>
    public static long SaxpyGroupSumBytes(int n, int groups) => 12L * n + 4L * groups;

    /// <summary>Parameters of <see cref="Affine"/> that are plain scalars, passed as one struct (ILGPU's loaders take few parameters).</summary>
    public struct AffineParams
    {
        public int Length;
        public int Bias;
    }

    /// <summary>result[i] = a·x[i] + y[i]; sums[g] = the sum of group g's results (shared memory, barriers, tree reduction).</summary>
    public static void SaxpyGroupSum(ArrayView<float> x, ArrayView<float> y, ArrayView<float> result, ArrayView<float> sums, float a) =>
        SaxpyGroupSumBody(x, y, result, sums, a, default, counting: false);

    /// <summary>The counting variant: the same, and each work item adds the bytes it moved in device memory to total[0].</summary>
    public static void SaxpyGroupSumCounting(ArrayView<float> x, ArrayView<float> y, ArrayView<float> result, ArrayView<float> sums, float a,
        ArrayView<long> total) =>
        SaxpyGroupSumBody(x, y, result, sums, a, total, counting: true);

    private static void SaxpyGroupSumBody(ArrayView<float> x, ArrayView<float> y, ArrayView<float> result, ArrayView<float> sums, float a,
        ArrayView<long> total, bool counting)
    {
        var tile = SharedMemory.Allocate<float>(GroupSize);
        int t = Group.IdxX, i = Grid.IdxX * GroupSize + t;
        long tally = 0;
        float v = 0f;
        if (i < result.IntLength)
        {
            v = a * x[i] + y[i];
            result[i] = v;
            tally += 12;
        }
        tile[t] = v;
        Group.Barrier();
        for (int s = GroupSize / 2; s > 0; s >>= 1)
        {
            if (t < s) tile[t] += tile[t + s];
            Group.Barrier();
        }
        if (t == 0)
        {
            sums[Grid.IdxX] = tile[0];
            tally += 4;
        }
        if (counting && tally != 0) Atomic.Add(ref total[0], tally);
    }

    /// <summary>y[i] = x[i]·factor + bias over a grid-stride loop; factor is specialized (ILGPU compiles a variant per value).</summary>
    public static void Affine(ArrayView<sbyte> x, ArrayView<int> y, AffineParams p, SpecializedValue<int> factor)
    {
        for (int i = Grid.GlobalIndex.X; i < p.Length; i += Grid.DimX * Group.DimX)
            y[i] = x[i] * factor.Value + p.Bias;
    }

    private static KernelParameter View(string name, KernelElementType type, bool writable = false) =>
        new(name, KernelParameterKind.View, type, writable);

    private static KernelParameter Scalar(string name, KernelElementType type, bool specialized = false) =>
        new(name, KernelParameterKind.Scalar, type, Specialized: specialized);

    /// <summary>Descriptor of <see cref="SaxpyGroupSum"/> with its plain and counting loaders.</summary>
    public static readonly KernelDescriptor SaxpyGroupSumKernel = Descriptor("SaxpyGroupSum", nameof(SaxpyGroupSum),
        [View("x", KernelElementType.Float32), View("y", KernelElementType.Float32), View("result", KernelElementType.Float32, true),
         View("sums", KernelElementType.Float32, true), Scalar("a", KernelElementType.Float32)]) with
    {
        Method = typeof(IlgpuTestKernels).GetMethod(nameof(SaxpyGroupSum)),
        IlgpuLoader = accelerator =>
        {
            var k = accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(SaxpyGroupSum);
            return (stream, config, a) => k(stream, config, a[0].AsView<float>(), a[1].AsView<float>(), a[2].AsView<float>(), a[3].AsView<float>(), a[4].AsFloat());
        },
        CountingIlgpuLoader = accelerator =>
        {
            var k = accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, ArrayView<long>>(SaxpyGroupSumCounting);
            return (stream, config, a) => k(stream, config, a[0].AsView<float>(), a[1].AsView<float>(), a[2].AsView<float>(), a[3].AsView<float>(), a[4].AsFloat(),
                a[5].AsView<long>());
        },
    };

    /// <summary>Descriptor of <see cref="Affine"/>: views, then the struct's fields flattened (length, bias), then the specialized factor.</summary>
    public static readonly KernelDescriptor AffineKernel = Descriptor("Affine", nameof(Affine),
        [View("x", KernelElementType.Int8), View("y", KernelElementType.Int32, true), Scalar("length", KernelElementType.Int32),
         Scalar("bias", KernelElementType.Int32), Scalar("factor", KernelElementType.Int32, specialized: true)]) with
    {
        Method = typeof(IlgpuTestKernels).GetMethod(nameof(Affine)),
        IlgpuLoader = accelerator =>
        {
            var k = accelerator.LoadKernel<ArrayView<sbyte>, ArrayView<int>, AffineParams, SpecializedValue<int>>(Affine);
            return (stream, config, a) => k(stream, config, a[0].AsView<sbyte>(), a[1].AsView<int>(),
                new AffineParams { Length = a[2].AsInt(), Bias = a[3].AsInt() }, SpecializedValue.New(a[4].AsInt()));
        },
    };

    /// <summary>A parameter type ILGPU's emitted launcher cannot see (private), so compiling the kernel fails.</summary>
    private struct Hidden
    {
        public int Value;
    }

    private static void UsesHidden(ArrayView<int> y, Hidden h) => y[Grid.GlobalIndex.X] = h.Value;

    /// <summary>A kernel ILGPU refuses to compile (a private parameter type): the backend names it in one line.</summary>
    public static readonly KernelDescriptor Uncompilable = Descriptor("Uncompilable", nameof(UsesHidden), [View("y", KernelElementType.Int32, true)]) with
    {
        IlgpuLoader = accelerator =>
        {
            var k = accelerator.LoadKernel<ArrayView<int>, Hidden>(UsesHidden);
            return (stream, config, a) => k(stream, config, a[0].AsView<int>(), new Hidden { Value = 1 });
        },
    };

    /// <summary>A descriptor the generator gave no ILGPU form: the ILGPU backends refuse it by name.</summary>
    public static readonly KernelDescriptor WithoutIlgpu = Descriptor("NoIlgpuForm", "no_ilgpu_form", [View("y", KernelElementType.Float32, true)]);

    /// <summary>A descriptor with no device text: these kernels exist for the ILGPU backends only.</summary>
    private static KernelDescriptor Descriptor(string name, string entryPoint, KernelParameter[] parameters) =>
        new(name, entryPoint, parameters, OpenClSource: "");
}
