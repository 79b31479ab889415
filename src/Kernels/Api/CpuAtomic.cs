namespace GpuEngine.Kernels;

/// <summary>The cpu backend's form of ILGPU's <c>Atomic.Add/Max(ref view[i], v)</c> (OpenCL: <c>atomic_add</c>/<c>atomic_max</c>). Each returns the old value.</summary>
public static class CpuAtomic
{
    /// <summary>Adds <paramref name="value"/> to <c>view[index]</c> atomically.</summary>
    [DeviceIntrinsic("atomic_add(&GPUE_AT({0}, {1}), {2})")]
    public static int Add(View<int> view, int index, int value) => Interlocked.Add(ref view[index], value) - value;

    /// <summary>Adds <paramref name="value"/> to <c>view[index]</c> atomically (OpenCL 1.2 has no float atomics: a compare-exchange loop).</summary>
    [DeviceIntrinsic("gpue_atomic_add_float(&GPUE_AT({0}, {1}), {2})")]
    public static float Add(View<float> view, int index, float value)
    {
        ref float target = ref view[index];
        float seen = Volatile.Read(ref target);
        while (true)
        {
            float old = Interlocked.CompareExchange(ref target, seen + value, seen);
            if (BitConverter.SingleToInt32Bits(old) == BitConverter.SingleToInt32Bits(seen)) return old;
            seen = old;
        }
    }

    /// <summary>Stores the larger of <c>view[index]</c> and <paramref name="value"/> atomically.</summary>
    [DeviceIntrinsic("atomic_max(&GPUE_AT({0}, {1}), {2})")]
    public static int Max(View<int> view, int index, int value)
    {
        ref int target = ref view[index];
        int seen = Volatile.Read(ref target);
        while (seen < value)
        {
            int old = Interlocked.CompareExchange(ref target, value, seen);
            if (old == seen) break;
            seen = old;
        }
        return seen;
    }
}
