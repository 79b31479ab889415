using System.ComponentModel;

namespace GpuEngine.Kernels;

/// <summary>
/// Per-thread scratch arrays for the generator's phase-split cpu kernels: the per-work-item copies of locals that
/// live across a barrier, and the group's work items. Reused from group to group and launch to launch on a thread,
/// so a steady-state launch allocates nothing. A phase-split group runs on one thread from start to end and never
/// starts another group inside itself, so a (type, slot) pair has one user at a time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CpuScratch<T>
{
    [ThreadStatic] private static T[]?[]? t_slots;
    [ThreadStatic] private static T[]?[]? t_shared;

    /// <summary>An array of at least <paramref name="count"/> elements for slot <paramref name="slot"/>, its first <paramref name="count"/> cleared.</summary>
    public static T[] Get(int slot, int count) => Take(ref t_slots, slot, count);

    /// <summary>Group shared memory slot <paramref name="slot"/> (slots apart from <see cref="Get"/>'s), its first <paramref name="count"/> cleared.</summary>
    public static T[] Shared(int slot, int count) => Take(ref t_shared, slot, count);

    private static T[] Take(ref T[]?[]? store, int slot, int count)
    {
        if (store is null || store.Length <= slot) Array.Resize(ref store, Math.Max(slot + 1, 8));
        var slots = store;
        var array = slots[slot];
        if (array is null || array.Length < count) slots[slot] = array = new T[count];
        else Array.Clear(array, 0, count);
        return array;
    }
}
