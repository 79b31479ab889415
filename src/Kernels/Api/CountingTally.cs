namespace GpuEngine.Kernels;

/// <summary>
/// Used by the generated counting variants of the ILGPU kernels (<see cref="KernelDescriptor.CountingIlgpuLoader"/>):
/// every device-memory element access goes through <see cref="At"/>, which adds the element's size to the work
/// item's tally and yields the index unchanged.
/// </summary>
public static class CountingTally
{
    /// <summary>Adds <paramref name="bytes"/> to <paramref name="tally"/>; returns <paramref name="index"/>.</summary>
    public static int At(ref long tally, int index, int bytes)
    {
        tally += bytes;
        return index;
    }
}
