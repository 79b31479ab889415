using System.Globalization;
using GpuEngine.Kernels;

namespace GpuEngine.Backends;

/// <summary>
/// The device-code convention shared by the OpenCL and CUDA backends: which launch arguments become
/// compile-time defines (specialized scalars) and how a view's byte offset and length become element counts.
/// </summary>
internal static class KernelSpecialization
{
    /// <summary>
    /// The <c>name=value</c> defines for a launch's specialized scalars, in parameter order (so the same values
    /// always give the same cache key). Empty when the kernel has none.
    /// </summary>
    public static IReadOnlyList<string> Defines(KernelDescriptor kernel, ReadOnlySpan<KernelArgument> arguments)
    {
        List<string>? defines = null;
        for (int i = 0; i < kernel.Parameters.Count; i++)
        {
            var p = kernel.Parameters[i];
            if (!p.Specialized) continue;
            if (p.Kind != KernelParameterKind.Scalar)
                throw new ArgumentException($"kernel '{kernel.Name}' parameter '{p.Name}': only scalars can be specialized");
            (defines ??= []).Add($"{KernelDescriptor.SpecializedMacro(p.Name)}={Literal(p, arguments[i].ScalarBits, kernel.Name)}");
        }
        return defines ?? (IReadOnlyList<string>)[];
    }

    /// <summary>
    /// <see cref="Defines"/> plus GPUE_COUNT_BYTES: the kernel's counting build, which takes the launch's 64-bit byte
    /// total (zeroed device memory, little-endian) as one extra last argument.
    /// </summary>
    public static IReadOnlyList<string> CountingDefines(KernelDescriptor kernel, ReadOnlySpan<KernelArgument> arguments) =>
        [.. Defines(kernel, arguments), "GPUE_COUNT_BYTES"];

    /// <summary>A C literal for a 32-bit scalar: ints as decimals (negatives in parentheses), floats with a '.0f' form.</summary>
    public static string Literal(KernelParameter p, int bits, string kernelName)
    {
        if (p.ElementType != KernelElementType.Float32)
            return bits < 0 ? $"({bits.ToString(CultureInfo.InvariantCulture)})" : bits.ToString(CultureInfo.InvariantCulture);
        float value = BitConverter.Int32BitsToSingle(bits);
        if (!float.IsFinite(value))
            throw new ArgumentException($"kernel '{kernelName}' parameter '{p.Name}': a specialized float must be finite, got {value}");
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        // "2" is an int in C and "2f" does not parse: floats need a point or an exponent before the suffix.
        if (!text.Contains('.') && !text.Contains('E')) text += ".0";
        return value < 0 ? $"({text}f)" : text + "f";
    }

    /// <summary>A view's byte offset in elements, as the kernel's 32-bit <c>x_offset</c> argument.</summary>
    public static int ElementOffset(KernelDescriptor kernel, KernelParameter p, KernelArgument a, int elementSize)
    {
        if (a.ByteOffset % elementSize != 0)
            throw new ArgumentException($"kernel '{kernel.Name}' parameter '{p.Name}': byte offset {a.ByteOffset} is not a multiple of the {elementSize}-byte element");
        return CheckedInt(kernel, p, a.ByteOffset / elementSize, "offset");
    }

    /// <summary>A view's element count, as the kernel's 32-bit <c>x_length</c> argument.</summary>
    public static int ElementLength(KernelDescriptor kernel, KernelParameter p, KernelArgument a) =>
        CheckedInt(kernel, p, a.Length, "length");

    private static int CheckedInt(KernelDescriptor kernel, KernelParameter p, long value, string what) =>
        value <= int.MaxValue
            ? (int)value
            : throw new ArgumentOutOfRangeException(p.Name, $"kernel '{kernel.Name}' parameter '{p.Name}': {what} {value} does not fit the kernel's 32-bit index");
}
