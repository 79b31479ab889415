using System.Globalization;
using GpuEngine.Backends;
using GpuEngine.Kernels;

namespace GpuEngine.Diagnostics.Ptx;

/// <summary>
/// One compiled form of a kernel: its specialized scalars' values (in <see cref="KernelDescriptor.Parameters"/> order, as
/// 32-bit launch bits; empty for a kernel without any, or for the unspecialized form), the largest group size a
/// launch used (256 where none did) and the zoo models that launch it.
/// </summary>
public sealed record KernelVariant(KernelDescriptor Kernel, IReadOnlyList<int> SpecializedBits, Dim3 GroupSize, IReadOnlyList<string> Models)
{
    /// <summary>The kernel's specialized parameters, in order.</summary>
    public IReadOnlyList<KernelParameter> SpecializedParameters => [.. Kernel.Parameters.Where(p => p.Specialized)];

    /// <summary>True when the kernel has specialized parameters but this variant fixes none (no zoo model launches it).</summary>
    public bool IsUnspecialized => SpecializedBits.Count == 0 && SpecializedParameters.Count > 0;

    /// <summary>"activation-1", "mode-0", several joined by '.'; "any" for the unspecialized form; "" for a kernel without any.</summary>
    public string Label => IsUnspecialized
        ? "any"
        : string.Join(".", SpecializedParameters.Zip(SpecializedBits, (p, bits) => $"{p.Name}-{Format(p, bits)}"));

    /// <summary>The file name stem: entry point, label (when there is one) and target, e.g. <c>Conv2dKernels_Conv2d.activation-1.sm_90</c>.</summary>
    public string FileStem(CudaTarget target) => Label.Length == 0 ? $"{Kernel.EntryPoint}.{target.Name}" : $"{Kernel.EntryPoint}.{Label}.{target.Name}";

    /// <summary>The specialized values typed as the kernel declares them (int, or float from its bits), for <see cref="PtxCompiler"/>; null when unspecialized.</summary>
    public IReadOnlyList<object>? Values => SpecializedBits.Count == 0
        ? null
        : [.. SpecializedParameters.Zip(SpecializedBits, (p, bits) => p.ElementType == KernelElementType.Float32 ? BitConverter.Int32BitsToSingle(bits) : (object)bits)];

    /// <summary>The PTX of this variant (the kernel's <see cref="KernelDescriptor.Method"/>, which must be set).</summary>
    public string CompilePtx(PtxCompiler compiler) =>
        compiler.Compile(Kernel.Method ?? throw new GpuEngineException($"kernel '{Kernel.Name}' has no ILGPU method to compile"), Values);

    private static string Format(KernelParameter p, int bits) => p.ElementType == KernelElementType.Float32
        ? BitConverter.Int32BitsToSingle(bits).ToString("R", CultureInfo.InvariantCulture)
        : bits.ToString(CultureInfo.InvariantCulture);
}
