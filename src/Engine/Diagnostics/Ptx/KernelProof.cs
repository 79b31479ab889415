namespace GpuEngine.Diagnostics.Ptx;

/// <summary>
/// One kernel variant proven for one architecture without a GPU: the PTX ILGPU writes for it and, where ptxas is at
/// hand, what ptxas made of it (registers, spills, shared memory, SASS) and the theoretical occupancy that follows.
/// </summary>
public sealed record KernelProof(KernelVariant Variant, CudaTarget Target, string Ptx, PtxasResult? Assembly, Occupancy? Occupancy)
{
    /// <summary>The most registers per thread a kernel may use unless <see cref="RegisterBudgets"/> says otherwise.</summary>
    /// <remarks>64 registers per thread still let 32 of an SM's 64 warps be resident (50 % occupancy); above it the register
    /// file, not the work, starts deciding how many groups run at once.</remarks>
    public const int DefaultRegisterBudget = 64;

    /// <summary>
    /// Kernels allowed more than <see cref="DefaultRegisterBudget"/>, by <see cref="Kernels.KernelDescriptor.Name"/>, each with
    /// its reason in a comment. Empty: every kernel fits the default.
    /// </summary>
    public static IReadOnlyDictionary<string, int> RegisterBudgets { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>The register budget of the kernel named <paramref name="kernelName"/>.</summary>
    public static int RegisterBudget(string kernelName) =>
        RegisterBudgets.TryGetValue(kernelName, out int budget) ? budget : DefaultRegisterBudget;

    /// <summary>This variant's register budget.</summary>
    public int Budget => RegisterBudget(Variant.Kernel.Name);

    /// <summary>
    /// Compiles <paramref name="variant"/> with <paramref name="compiler"/> and, when <paramref name="ptxas"/> is given,
    /// assembles it for the compiler's target (with SASS when <paramref name="sass"/>) and computes occupancy from the
    /// registers, the shared memory ptxas reports and the variant's group size.
    /// </summary>
    public static KernelProof Prove(KernelVariant variant, PtxCompiler compiler, Ptxas? ptxas, bool sass = false)
    {
        string ptx = variant.CompilePtx(compiler);
        if (ptxas is null) return new KernelProof(variant, compiler.Target, ptx, null, null);
        var assembly = ptxas.Assemble(ptx, compiler.Target, sass);
        var occupancy = compiler.Target.Occupancy(assembly.Registers, assembly.SharedBytes, (int)variant.GroupSize.Volume);
        return new KernelProof(variant, compiler.Target, ptx, assembly, occupancy);
    }
}
