using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuEngine.Kernels;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// Raw access to a cpu launch's views for the SIMD kernels. Cpu buffers are pinned arrays, so a view's address is fixed
/// for the buffer's life; a bound run keeps its buffers referenced (<see cref="Keep"/>).
/// </summary>
internal static unsafe class TacticArguments
{
    /// <summary>The first element of view <paramref name="argument"/> as <typeparamref name="T"/>.</summary>
    public static T* Pointer<T>(KernelArgument argument) where T : unmanaged
    {
        var data = ((CpuBuffer)argument.Buffer!).Data;
        return (T*)((byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(data)) + argument.ByteOffset);
    }

    /// <summary>The arrays behind the views of <paramref name="arguments"/> (held by a run so its pointers stay valid).</summary>
    public static object[] Keep(KernelArgument[] arguments) =>
        [.. arguments.Where(a => a.IsView).Select(a => (object)((CpuBuffer)a.Buffer!).Data).Distinct()];

    /// <summary>The view's elements copied out (weights to pack).</summary>
    public static T[] Copy<T>(KernelArgument argument) where T : unmanaged =>
        new ReadOnlySpan<T>(Pointer<T>(argument), checked((int)argument.Length)).ToArray();
}

/// <summary>
/// Weights packed once per weights region: keyed by the region's array (weakly: a closed session's packed copies go
/// with it), the view's byte offset and a tag naming the layout and shape. Execution states of one session, and the
/// candidates tuning builds, share one packed copy.
/// </summary>
public static class PackedWeights
{
    private static readonly ConditionalWeakTable<object, Dictionary<(long, string), Array>> s_packed = [];

    /// <summary>The packed copy of <paramref name="weight"/> under <paramref name="tag"/>, made by <paramref name="pack"/> the first time.</summary>
    public static T[] GetOrPack<T>(KernelArgument weight, string tag, Func<T[]> pack) where T : unmanaged
    {
        var table = s_packed.GetValue(((CpuBuffer)weight.Buffer!).Data, _ => []);
        lock (table)
        {
            if (table.TryGetValue((weight.ByteOffset, tag), out var packed)) return (T[])packed;
            var made = pack();
            table[(weight.ByteOffset, tag)] = made;
            return made;
        }
    }

    /// <summary>A pinned array (packed weights are read through pointers).</summary>
    public static T[] Pinned<T>(int length) where T : unmanaged => GC.AllocateArray<T>(length, pinned: true);
}
