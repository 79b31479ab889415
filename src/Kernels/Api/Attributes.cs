namespace GpuEngine.Kernels;

/// <summary>
/// Marks a <c>static void</c> explicitly grouped ILGPU kernel. Parameters, in order: <c>ArrayView&lt;T&gt;</c> views,
/// then <c>int</c>/<c>float</c> scalars or a parameter struct, then <c>SpecializedValue&lt;T&gt;</c> values (docs/kernels.md).
/// The source generator translates it to the cpu backend's C# and OpenCL C and registers a
/// <see cref="KernelDescriptor"/> (with ILGPU loaders) in <c>GeneratedKernels</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class KernelAttribute : Attribute
{
    /// <summary>Device entry point name; defaults to <c>ClassName_MethodName</c>.</summary>
    public string? EntryPoint { get; set; }
}

/// <summary>
/// Marks the generator's C# translation of a helper (kernel source needs no marker: any static method of the project
/// a kernel calls is a helper). The OpenCL emitter emits it as a device function.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class KernelHelperAttribute : Attribute;

/// <summary>
/// Marks, in the generator's C# translation, the scalar that stands for an ILGPU <c>SpecializedValue&lt;T&gt;</c>: not an
/// OpenCL argument; the backend compiles (and caches) a variant with <c>-D GPUE_S_name=value</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class SpecializeAttribute : Attribute;

/// <summary>
/// Maps a member of the cpu backend's kernel API (WorkItem, CpuGroup, CpuAtomic) to OpenCL C. Templates use <c>{0}</c>,
/// <c>{1}</c>... for the rendered arguments (a view argument renders as its already-offset element pointer, to be
/// indexed with <c>GPUE_AT(p, i)</c> so the counting build tallies the access as the member's C# body does on the CPU).
/// Read by the generator only.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, Inherited = false)]
public sealed class DeviceIntrinsicAttribute(string openCl) : Attribute
{
    /// <summary>OpenCL C template.</summary>
    public string OpenCl { get; } = openCl;
}
