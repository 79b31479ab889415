using System.Reflection;
using ILGPU;
using ILGPU.Runtime;

namespace GpuEngine.Kernels;

/// <summary>
/// One launch argument as an ILGPU backend (cuda, ilgpu-cpu) hands it to a generated launcher: a byte view of
/// device memory (already offset and cut to the tensor's bytes) or 32 scalar bits. A struct, so binding a launch
/// allocates nothing.
/// </summary>
public readonly struct IlgpuArgument
{
    private readonly ArrayView<byte> _bytes;
    private readonly int _scalarBits;

    private IlgpuArgument(ArrayView<byte> bytes, int scalarBits)
    {
        _bytes = bytes;
        _scalarBits = scalarBits;
    }

    /// <summary>A view argument over <paramref name="bytes"/> (whole elements of the kernel's element type).</summary>
    public static IlgpuArgument ForView(ArrayView<byte> bytes) => new(bytes, 0);

    /// <summary>A scalar argument holding <paramref name="bits"/> (an int, or a float's bits).</summary>
    public static IlgpuArgument ForScalar(int bits) => new(default, bits);

    /// <summary>The view reinterpreted as elements of <typeparamref name="T"/>.</summary>
    public ArrayView<T> AsView<T>() where T : unmanaged => _bytes.Cast<T>();

    /// <summary>The scalar as int.</summary>
    public int AsInt() => _scalarBits;

    /// <summary>The scalar as float.</summary>
    public float AsFloat() => BitConverter.Int32BitsToSingle(_scalarBits);
}

/// <summary>
/// Queues one launch of a loaded ILGPU kernel on <paramref name="stream"/>: binds <paramref name="arguments"/> (kernel
/// parameter order of <see cref="KernelDescriptor.Parameters"/>: views, then scalars with a parameter struct's fields
/// flattened in field order, then specialized values) to the kernel's typed parameters.
/// </summary>
public delegate void IlgpuLauncher(AcceleratorStream stream, KernelConfig config, ReadOnlySpan<IlgpuArgument> arguments);

/// <summary>Compiles and loads a kernel on an accelerator once (per backend); the result launches it any number of times.</summary>
public delegate IlgpuLauncher IlgpuLoader(Accelerator accelerator);

/// <summary>Members the generator fills in for the ILGPU backends.</summary>
public sealed partial record KernelDescriptor
{
    /// <summary>The ILGPU kernel method itself (explicitly grouped: no index parameter), for PTX compilation and reports.</summary>
    public MethodInfo? Method { get; init; }

    /// <summary>Loads the kernel on an ILGPU accelerator (CudaAccelerator, CPUAccelerator).</summary>
    public IlgpuLoader? IlgpuLoader { get; init; }

    /// <summary>
    /// Loads the kernel's counting variant (generated C#: every device-memory element access adds its size to the
    /// work item's tally, added to a 64-bit total at exit). Its launcher takes one argument more than
    /// <see cref="IlgpuLoader"/>'s: a view of one zeroed <c>long</c>, last.
    /// </summary>
    public IlgpuLoader? CountingIlgpuLoader { get; init; }
}
