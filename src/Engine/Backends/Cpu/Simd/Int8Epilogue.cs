using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// Where an int8 SIMD kernel's int32 sum (bias included) goes, exactly as the reference kernels store it: requantized
/// by <see cref="RequantizeKernels.Requant"/> itself (mode Fused), or written / added to the int32 addsum buffer.
/// </summary>
internal readonly unsafe struct Int8Epilogue(int mode, int* multiplier, int* shift, sbyte* output, int* accumulator,
    int outputZeroPoint, int clampMin, int clampMax)
{
    /// <summary>Stores <paramref name="sum"/> of <paramref name="channel"/> at element <paramref name="index"/>.</summary>
    public void Store(int sum, int channel, int index)
    {
        if (mode == RequantizeKernels.Fused)
            output[index] = RequantizeKernels.Requant(sum, multiplier[channel], shift[channel], outputZeroPoint, clampMin, clampMax);
        else if (mode == RequantizeKernels.AddSumWrite) accumulator[index] = sum;
        else accumulator[index] += sum;
    }
}

/// <summary>Per-thread scratch of the int8 SIMD kernels: grown when a layer needs more, never freed, so a steady run allocates nothing.</summary>
internal static class Int8Scratch
{
    [ThreadStatic] private static byte[]? t_bytes;

    /// <summary>A pinned array of at least <paramref name="bytes"/> bytes (plus 64 of slack for vector over-reads), this thread's own.</summary>
    public static byte[] Get(int bytes)
    {
        var current = t_bytes;
        if (current is null || current.Length < bytes + 64)
            t_bytes = current = GC.AllocateArray<byte>(Math.Max(bytes + 64, 1 << 16), pinned: true);
        return current;
    }
}
