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
/// Device-code convention (CUDA C and OpenCL C alike): a view parameter <c>x</c> becomes three
/// kernel arguments — the base pointer <c>x_base</c>, the element offset <c>int x_offset</c> and the
/// element count <c>int x_length</c>; a scalar is one argument. A <paramref name="Specialized"/> scalar is
/// not a kernel argument at all: the backend compiles a variant with <c>-D x=value</c> and caches it.
/// </summary>
public sealed record KernelParameter(string Name, KernelParameterKind Kind, KernelElementType ElementType, bool Writable = false,
    bool Specialized = false);

/// <summary>
/// A compiled-at-build-time kernel: produced by the source generator from a [Kernel] method, consumed
/// by every backend. Backends read <see cref="EntryPoint"/>, <see cref="Parameters"/> and the source texts;
/// the CPU backend runs the C# method itself.
/// </summary>
public sealed partial record KernelDescriptor(
    string Name,
    string EntryPoint,
    IReadOnlyList<KernelParameter> Parameters,
    string CudaSource,
    string OpenClSource);
