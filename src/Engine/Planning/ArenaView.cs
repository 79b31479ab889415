namespace GpuEngine.Planning;

/// <summary>
/// A byte range of an arena (activations or weights): what the planner hands out instead of pointers.
/// The executor binds it to its device buffer; <see cref="Slice"/> narrows it with bounds checks.
/// </summary>
public readonly record struct ArenaView(long Offset, long Length)
{
    public long End => Offset + Length;

    /// <summary>The sub-range starting <paramref name="start"/> bytes in, <paramref name="length"/> bytes long.</summary>
    public ArenaView Slice(long start, long length)
    {
        if (start < 0 || length < 0 || start + length > Length)
            throw new GpuEngineException($"slice [{start}, {start + length}) is outside the view of {Length} bytes at offset {Offset}");
        return new ArenaView(Offset + start, length);
    }

    /// <summary>Elements of <typeparamref name="T"/> the view holds (whole elements only).</summary>
    public long ElementCount<T>() where T : unmanaged => Length / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    public override string ToString() => $"[{Offset}, {End})";
}
