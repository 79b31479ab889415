namespace GpuEngine.Kernels;

/// <summary>Element types a kernel view or scalar can have.</summary>
public enum KernelElementType
{
    Float32,
    Int8,
    UInt8,
    Int32,
}

/// <summary>Whether a kernel parameter is a device view (pointer into a buffer) or a scalar.</summary>
public enum KernelParameterKind
{
    View,
    Scalar,
}

/// <summary>
/// One parameter of a kernel as the device code declares it.
/// OpenCL convention: a view parameter <c>x</c> becomes three kernel arguments — the base pointer <c>x_base</c>, the
/// element offset <c>int x_offset</c> and the element count <c>int x_length</c>; a scalar is one argument (a parameter
/// struct's field <c>p.Batch</c> is the argument <c>p_Batch</c>). A <paramref name="Specialized"/> value (ILGPU's
/// SpecializedValue&lt;T&gt;) is not an OpenCL argument at all: the backend compiles a variant with
/// <c>-D GPUE_S_x=value</c> (<see cref="KernelDescriptor.SpecializedMacro"/>) and caches it.
/// </summary>
public sealed record KernelParameter(string Name, KernelParameterKind Kind, KernelElementType ElementType, bool Writable = false,
    bool Specialized = false);

/// <summary>
/// A compiled-at-build-time kernel: produced by the source generator from a [Kernel] method, consumed
/// by every backend. The opencl backend reads <see cref="EntryPoint"/>, <see cref="Parameters"/> and the source text;
/// the cpu backend runs the generated C# through the binders; the ILGPU backends use the loaders.
/// </summary>
public sealed partial record KernelDescriptor(
    string Name,
    string EntryPoint,
    IReadOnlyList<KernelParameter> Parameters,
    string OpenClSource)
{
    /// <summary>The OpenCL macro of a specialized value: prefixed, so it never collides with a header's identifiers.</summary>
    public static string SpecializedMacro(string parameterName) => "GPUE_S_" + parameterName;
}
