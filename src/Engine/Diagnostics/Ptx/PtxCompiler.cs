using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.IR;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GpuEngine.Diagnostics.Ptx;

/// <summary>
/// Compiles explicitly grouped ILGPU kernels to PTX with ILGPU's own PTX backend, with no GPU and no driver: the
/// text a CudaAccelerator would hand the driver for the same kernel. <see cref="SpecializedValue{T}"/> parameters are
/// specialized offline the way ILGPU does it at launch (a wrapper passing the value as an IR constant, so the
/// optimizer folds it); without values they stay ordinary kernel parameters.
/// ILGPU writes <c>.target</c> as the lowest architecture its features need (sm_80 for sm_80 and sm_90 alike);
/// ptxas's <c>-arch</c> then picks the machine code, as the driver's JIT does. Not thread-safe; dispose it.
/// </summary>
public sealed class PtxCompiler : IDisposable
{
    private readonly Context _context;
    private readonly PTXBackend _backend;

    /// <summary>
    /// The ILGPU optimization level the proof compiles with, which the cuda backend's context must use too
    /// (<c>Context.Create(b => b.Cuda().EnableAlgorithms().Optimize(PtxCompiler.Optimization))</c>). O2 turns on the
    /// enhanced PTX backend: at the default O1, ILGPU keeps a <c>CudaAsm.Emit</c> out operand in local memory, and every
    /// dp4a is followed by a store to it (8 bytes stack frame, one STL per IDP.4A in the SASS); at O2 neither remains.
    /// </summary>
    public const OptimizationLevel Optimization = OptimizationLevel.O2;

    /// <summary>
    /// A compiler for <paramref name="target"/>, owning an ILGPU context with ILGPU.Algorithms (XMath) enabled, at
    /// <paramref name="optimization"/> (default <see cref="Optimization"/>, what the cuda backend runs).
    /// </summary>
    public PtxCompiler(CudaTarget target, OptimizationLevel optimization = Optimization)
    {
        Target = target;
        _context = Context.Create(builder => builder.EnableAlgorithms().Optimize(optimization));
        _backend = new PTXBackend(_context, new CudaCapabilityContext(target.Architecture), target.Architecture, CudaTarget.InstructionSet, nvvmAPI: null);
    }

    public CudaTarget Target { get; }

    /// <summary>
    /// The PTX of <paramref name="kernel"/> (a static, explicitly grouped ILGPU kernel; a generic one must be
    /// instantiated). <paramref name="specializedValues"/> holds one value per <see cref="SpecializedValue{T}"/>
    /// parameter, in parameter order, as the T itself; null compiles them as plain parameters.
    /// </summary>
    public string Compile(MethodInfo kernel, IReadOnlyList<object>? specializedValues = null)
    {
        if (kernel.ContainsGenericParameters)
            throw new GpuEngineException($"kernel '{kernel.DeclaringType?.Name}.{kernel.Name}' is generic: compile an instantiation");
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
        var specialized = entry.Parameters.SpecializedParameters;
        if (specializedValues is null || specialized.Length == 0)
            return ((PTXCompiledKernel)_backend.Compile(entry, default)).PTXAssembly;
        if (specializedValues.Count != specialized.Length)
            throw new ArgumentException($"kernel '{kernel.Name}' has {specialized.Length} specialized parameters, got {specializedValues.Count} values");

        var generated = _backend.PreCompileKernelMethod(entry);
        using var irContext = generated.ExtractToContext(out var kernelMethod);
        var wrapper = Specialize(irContext, kernelMethod, entry, specializedValues);
        irContext.Optimize();
        return ((PTXCompiledKernel)_backend.Compile(wrapper, entry, default)).PTXAssembly;
    }

    /// <summary>
    /// An IR method with the kernel's parameters that calls it with the specialized ones replaced by constants
    /// (what ILGPU's launch-time specialization cache builds); the kernel is marked for inlining.
    /// </summary>
    private static Method Specialize(IRContext irContext, Method kernelMethod, EntryPointDescription entry, IReadOnlyList<object> values)
    {
        var specialized = entry.Parameters.SpecializedParameters;
        var wrapper = irContext.Declare(new MethodDeclaration(MethodHandle.Create("SpecializedKernel"), irContext.VoidType), out _);
        kernelMethod.AddFlags(MethodFlags.Inline);
        using var builder = wrapper.CreateBuilder();
        var block = builder.EntryBlockBuilder;
        var call = block.CreateCall(wrapper.Location, kernelMethod);
        for (int i = 0, next = 0; i < kernelMethod.NumParameters; i++)
        {
            var parameter = kernelMethod.Parameters[i];
            var forwarded = builder.AddParameter(parameter.Type, parameter.Name);
            if (next < specialized.Length && specialized[next].Index == i - entry.KernelIndexParameterOffset)
            {
                var boxed = Activator.CreateInstance(specialized[next].SpecializedType, Convert.ChangeType(values[next], specialized[next].ParameterType))!;
                call.Add(block.CreateObjectValue(wrapper.Location, boxed));
                next++;
            }
            else
            {
                call.Add(forwarded);
            }
        }
        call.Seal();
        block.CreateReturn(wrapper.Location);
        builder.Complete();
        return wrapper;
    }

    public void Dispose()
    {
        _backend.Dispose();
        _context.Dispose();
    }
}
