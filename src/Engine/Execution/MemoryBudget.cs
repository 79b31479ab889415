using System.Globalization;
using GpuEngine.Ir;
using GpuEngine.Planning;

namespace GpuEngine.Execution;

/// <summary>
/// The most memory one session (and one host input tensor) may take, checked before anything is allocated so a
/// mistyped shape (1x3x100000x100000) is one line, not minutes of swapping or an out-of-memory crash. Default: half
/// the memory this process may use (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>: the machine's, or the
/// container's limit); PoCL and the cpu backend take device memory from the same place. <c>--max-memory</c> changes it.
/// </summary>
public static class MemoryBudget
{
    /// <summary>Half the memory available to this process.</summary>
    public static long DefaultBytes => Math.Max(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2, 64L << 20);

    /// <summary>Parses 512MiB, 2GiB, 1.5GB, 4096 (bytes); units K, M, G, T in powers of 1024, with or without "iB"/"B".</summary>
    public static long Parse(string text)
    {
        var t = text.Trim().ToUpperInvariant().Replace("IB", "").TrimEnd('B');
        long unit = 1;
        if (t.Length > 0 && "KMGT".Contains(t[^1]))
        {
            unit = 1L << (10 * ("KMGT".IndexOf(t[^1]) + 1));
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0 || value * unit > long.MaxValue)
            throw new GpuEngineException($"--max-memory '{text}' is not a size; write it like 512MiB, 4GiB or a byte count");
        return (long)(value * unit);
    }

    /// <summary>Refuses a host tensor of <paramref name="shape"/> (float32) over the budget or over one .NET array.</summary>
    public static void CheckInput(TensorShape shape, long limit)
    {
        long elements = shape.Elements;
        if (elements > Array.MaxLength || elements > long.MaxValue / 4 || elements * 4 > limit)
            throw new GpuEngineException($"input {shape} needs {Describe(elements, 4)} on the host; the limit is {Mib(limit)} (--max-memory)");
    }

    /// <summary>Refuses a plan whose arena and weights exceed <paramref name="limit"/>, or a tensor a 32-bit kernel index cannot reach.</summary>
    public static void CheckPlan(MemoryPlan plan, string model, long limit)
    {
        var largest = plan.Tensors.MaxBy(t => t.Bytes);
        if (largest is not null && largest.Elements > int.MaxValue)
            throw new GpuEngineException($"{model}: tensor '{largest.Name}' ({largest.Shape}) has {largest.Elements:N0} elements; kernels index at most {int.MaxValue:N0}");
        long total = plan.ArenaBytes + plan.WeightsBytes;
        if (total > limit)
            throw new GpuEngineException($"{model} at input {string.Join(", ", plan.Inputs.Select(i => i.Shape.ToString()))} needs {Mib(total)} of device memory "
                + $"(arena {Mib(plan.ArenaBytes)}, weights {Mib(plan.WeightsBytes)}); the limit is {Mib(limit)} (--max-memory)");
    }

    private static string Describe(long elements, int size) =>
        elements > long.MaxValue / size ? $"{elements:N0} elements" : Mib(elements * size);

    private static string Mib(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):F2} GiB" : $"{bytes / 1048576.0:F2} MiB";
}
