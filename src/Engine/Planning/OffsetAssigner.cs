namespace GpuEngine.Planning;

/// <summary>The offsets found for an <see cref="OffsetProblem"/>, the arena they need, and which strategy found them.</summary>
/// <param name="GreedyBySizeBytes">The arena of plain greedy-by-size best fit (TensorFlow Lite's planner): the baseline to beat.</param>
public sealed record OffsetSolution(long[] Offsets, long ArenaBytes, string Strategy, long GreedyBySizeBytes);

/// <summary>
/// Finds offsets: greedy best fit (<see cref="GreedyBestFit"/>) under several placement orders, packing
/// from both ends (<see cref="TwoEndedFit"/>), then a hill climb over the best order (swap two buffers, keep the swap unless the arena grows). Stops as soon
/// as the arena equals the lower bound, since nothing can beat it. Deterministic for a given seed.
/// </summary>
public static class OffsetAssigner
{
    /// <summary>The named orders tried first. "size" alone is TensorFlow Lite's greedy-by-size.</summary>
    private static IEnumerable<(string Name, int[] Order)> Orders(OffsetProblem p)
    {
        var all = Enumerable.Range(0, p.Count);
        long Span(int b) => p.Last[b] - p.First[b] + 1;
        long ConflictBytes(int b) => p.Conflicts[b].Sum(c => p.Sizes[c]);
        yield return ("greedy-by-size", [.. all.OrderByDescending(b => p.Sizes[b]).ThenByDescending(Span).ThenBy(b => p.First[b])]);
        yield return ("greedy-by-lifetime", [.. all.OrderByDescending(Span).ThenByDescending(b => p.Sizes[b]).ThenBy(b => p.First[b])]);
        yield return ("greedy-by-area", [.. all.OrderByDescending(b => p.Sizes[b] * Span(b)).ThenBy(b => p.First[b])]);
        yield return ("greedy-by-conflict", [.. all.OrderByDescending(b => p.Sizes[b] + ConflictBytes(b)).ThenBy(b => p.First[b])]);
        yield return ("greedy-by-first-step", [.. all.OrderBy(b => p.First[b]).ThenByDescending(b => p.Sizes[b])]);
    }

    public static OffsetSolution Assign(OffsetProblem problem, long lowerBound, int hillClimbIterations, int seed)
    {
        var greedy = new GreedyBestFit(problem);
        var offsets = new long[problem.Count];
        long[] bestOffsets = new long[problem.Count];
        long best = long.MaxValue;
        int[] bestOrder = [];
        string strategy = "";
        long baseline = -1;
        foreach (var (name, order) in Orders(problem))
        {
            long arena = greedy.Place(order, offsets);
            if (baseline < 0) baseline = arena; // the first order is greedy-by-size
            if (arena < best)
            {
                (best, bestOrder, strategy) = (arena, order, name);
                Array.Copy(offsets, bestOffsets, offsets.Length);
            }
            if (best <= lowerBound) return new OffsetSolution(bestOffsets, best, strategy, baseline);
        }
        long twoEnded = TwoEndedFit.Place(problem, lowerBound, offsets);
        if (twoEnded < best)
        {
            (best, strategy) = (twoEnded, "two-ended");
            Array.Copy(offsets, bestOffsets, offsets.Length);
            if (best <= lowerBound) return new OffsetSolution(bestOffsets, best, strategy, baseline);
        }
        if (problem.Count < 2 || hillClimbIterations == 0) return new OffsetSolution(bestOffsets, best, strategy, baseline);

        // Hill climb: a swap that keeps the arena the same is kept too, so the search can cross plateaus.
        var rng = new Random(seed);
        var current = (int[])bestOrder.Clone();
        long currentArena = best;
        bool improved = false;
        for (int i = 0; i < hillClimbIterations && best > lowerBound; i++)
        {
            int a = rng.Next(current.Length), b = rng.Next(current.Length);
            if (a == b) continue;
            (current[a], current[b]) = (current[b], current[a]);
            long arena = greedy.Place(current, offsets);
            if (arena <= currentArena)
            {
                currentArena = arena;
                if (arena < best)
                {
                    best = arena;
                    improved = true;
                    Array.Copy(offsets, bestOffsets, offsets.Length);
                }
            }
            else (current[a], current[b]) = (current[b], current[a]);
        }
        return new OffsetSolution(bestOffsets, best, improved ? strategy + "+hill-climb" : strategy, baseline);
    }
}
