using GpuEngine.Planning;

namespace GpuEngine.Tests.Planning;

/// <summary>
/// Offset assignments written apart from the planner, over a plan's buffers (sizes and lifetimes): TensorFlow Lite's
/// greedy by size, and the exact optimum by brute force. The optimum: any packing, its buffers placed in the order of
/// their offsets, each at the lowest offset free of the live ones placed before, ends no higher; so the best of all
/// orders' lowest-fit packings is the optimum (small plans only: n! orders).
/// </summary>
internal static class OffsetReference
{
    /// <summary>Largest end of placing <paramref name="order"/> one by one at the lowest offset that fits.</summary>
    public static long LowestFit(IReadOnlyList<PlannedBuffer> order)
    {
        var placed = new List<(PlannedBuffer Buffer, long Offset)>();
        long top = 0;
        foreach (var b in order)
        {
            long offset = 0;
            // Candidate offsets: 0 and the end of every placed buffer alive together with b; the lowest that clears all.
            var conflicts = placed.Where(p => p.Buffer.Overlaps(b)).OrderBy(p => p.Offset).ToList();
            foreach (var candidate in new[] { 0L }.Concat(conflicts.Select(c => c.Offset + c.Buffer.AlignedBytes)).Order())
            {
                if (conflicts.All(c => candidate + b.AlignedBytes <= c.Offset || c.Offset + c.Buffer.AlignedBytes <= candidate))
                {
                    offset = candidate;
                    break;
                }
            }
            placed.Add((b, offset));
            top = Math.Max(top, offset + b.AlignedBytes);
        }
        return top;
    }

    /// <summary>Greedy by size (largest first, lowest fit): the plain TensorFlow Lite strategy.</summary>
    public static long GreedyBySize(MemoryPlan plan) =>
        LowestFit([.. plan.Buffers.OrderByDescending(b => b.AlignedBytes).ThenBy(b => b.FirstStep)]);

    /// <summary>The least arena any assignment of these buffers can have (every order tried).</summary>
    public static long Optimum(MemoryPlan plan)
    {
        var buffers = plan.Buffers.ToArray();
        if (buffers.Length > 8) throw new ArgumentException($"brute force over {buffers.Length}! orders is too slow");
        long best = long.MaxValue;
        foreach (var order in Permutations(buffers, buffers.Length)) best = Math.Min(best, LowestFit(order));
        return buffers.Length == 0 ? 0 : best;
    }

    private static IEnumerable<PlannedBuffer[]> Permutations(PlannedBuffer[] items, int n)
    {
        if (n <= 1)
        {
            yield return (PlannedBuffer[])items.Clone();
            yield break;
        }
        for (int i = 0; i < n; i++)
        {
            foreach (var p in Permutations(items, n - 1)) yield return p;
            int j = n % 2 == 0 ? i : 0;
            (items[j], items[n - 1]) = (items[n - 1], items[j]);
        }
    }
}
