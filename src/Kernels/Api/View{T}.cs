using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuEngine.Kernels;

/// <summary>
/// A typed window (element offset and length) over device memory. On the CPU it is a readonly struct over a
/// managed array (any element type: buffers are byte arrays reinterpreted as <typeparamref name="T"/>);
/// in device code it is the pointer <c>x_base + x_offset</c> plus <c>x_length</c>.
/// Indexing is bounds-checked on the CPU so out-of-range kernels fail loudly in tests.
/// </summary>
public readonly struct View<T> where T : unmanaged
{
    private readonly Array? _array;
    private readonly nint _byteOffset;
    private readonly bool _groupShared;

    /// <summary>Views <paramref name="length"/> elements starting <paramref name="byteOffset"/> bytes into any unmanaged array.</summary>
    public View(Array array, long byteOffset, int length)
    {
        ArgumentNullException.ThrowIfNull(array);
        long arrayBytes = (long)array.Length * Marshal.SizeOf(array.GetType().GetElementType()!);
        if (byteOffset < 0 || length < 0 || byteOffset + (long)length * Unsafe.SizeOf<T>() > arrayBytes)
            throw new ArgumentOutOfRangeException(nameof(length), $"{length} elements at byte {byteOffset} exceed a {arrayBytes}-byte array");
        _array = array;
        _byteOffset = (nint)byteOffset;
        Length = length;
    }

    /// <summary>A view of group shared memory: its accesses never reach device memory, so they are not counted.</summary>
    internal View(Array array, int length, bool groupShared) : this(array, 0, length) => _groupShared = groupShared;

    /// <summary>Fresh group shared memory for the CPU path of a barrier kernel (emitted by the generator); not counted.</summary>
    public static View<T> GroupShared(int length) => new(new T[length], length, groupShared: true);

    /// <summary>
    /// Group shared memory from the calling thread's scratch slot <paramref name="slot"/> (zeroed), reused from group
    /// to group: the phase-split cpu kernels' form, which allocates nothing in steady state.
    /// </summary>
    public static View<T> GroupShared(int length, int slot) => new(CpuScratch<T>.Shared(slot, length), length, groupShared: true);

    /// <summary>A view over a whole typed array (handy in tests).</summary>
    public View(T[] array) : this(array, 0, array.Length) { }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Element <paramref name="index"/>; reads and writes go straight to the underlying array.</summary>
    public ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)Length) ThrowIndex(index, Length);
            if (!_groupShared) AccessCounter.Count(Unsafe.SizeOf<T>());
            ref byte start = ref Unsafe.AddByteOffset(ref MemoryMarshal.GetArrayDataReference(_array!), _byteOffset);
            return ref Unsafe.Add(ref Unsafe.As<byte, T>(ref start), index);
        }
    }

    private static void ThrowIndex(int index, int length) =>
        throw new IndexOutOfRangeException($"view index {index} outside [0, {length})");
}
