namespace GpuEngine.Kernels;

/// <summary>
/// Marks a <c>static void</c> method as a kernel. Parameters, in order: a <see cref="WorkItem"/>, then
/// <see cref="View{T}"/> parameters, then <c>int</c>/<c>float</c> scalars. The source generator translates
/// the body to CUDA C and OpenCL C and registers a <see cref="KernelDescriptor"/> in <c>GeneratedKernels</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class KernelAttribute : Attribute
{
    /// <summary>Device entry point name; defaults to <c>ClassName_MethodName</c>.</summary>
    public string? EntryPoint { get; set; }
}

/// <summary>
/// Marks a static method callable from kernels; it is emitted as a device function. Parameters may be
/// scalars or views (a view becomes a pointer plus <c>name_length</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class KernelHelperAttribute : Attribute;

/// <summary>
/// Marks a scalar kernel parameter as a compile-time constant: it is not a device argument; the backend
/// compiles (and caches) a variant with <c>-D name=value</c>. Use distinctive names (not x/y/z), since the
/// name becomes a preprocessor macro in the device code.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class SpecializeAttribute : Attribute;

/// <summary>
/// Maps an API member to device code per dialect. Templates use <c>{0}</c>, <c>{1}</c>... for the rendered
/// arguments (a view argument renders as its already-offset element pointer, to be indexed with <c>GPUE_AT(p, i)</c>
/// so the counting build tallies the access as the member's C# body does on the CPU). Read by the generator only.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, Inherited = false)]
public sealed class DeviceIntrinsicAttribute(string cuda, string openCl) : Attribute
{
    /// <summary>CUDA C template.</summary>
    public string Cuda { get; } = cuda;

    /// <summary>OpenCL C template.</summary>
    public string OpenCl { get; } = openCl;
}
