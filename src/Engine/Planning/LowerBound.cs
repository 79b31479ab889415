namespace GpuEngine.Planning;

/// <summary>
/// The arena lower bound: the largest total of aligned bytes alive at one step, given the plan's
/// buffers (that is, after its view and in-place decisions, which fix what shares bytes).
/// </summary>
/// <remarks>
/// Claim: for a fixed set of buffers with sizes s_i rounded up to the alignment A, lifetimes [f_i, l_i],
/// and any offsets that are multiples of A under which buffers alive at a common step do not overlap,
/// the arena (the highest offset + aligned size) is at least max over steps t of the sum of s_i over the
/// buffers alive at t.
/// Proof: fix t and sort the buffers alive at t by offset, o_1 &lt;= o_2 &lt;= ... They are pairwise
/// disjoint, so o_(k+1) &gt;= o_k + s_k, and since each s_k is a multiple of A and o_1 &gt;= 0, by induction
/// o_k + s_k &gt;= s_1 + ... + s_k. The arena is at least o_m + s_m &gt;= the sum over all m of them. This holds
/// for every t, so also for the maximum. (Rounding sizes to A loses nothing: an aligned neighbour can never
/// start inside the padding.) The bound is about this sharing: other view or in-place decisions (or another
/// execution order) change the buffers and so the bound; the planner takes every legal in-place
/// opportunity, which only merges buffers whose lifetimes touch at one step.
/// </remarks>
public static class LowerBound
{
    /// <summary>The aligned bytes alive at each step 0..steps-1.</summary>
    public static long[] LiveBytes(OffsetProblem problem, int steps)
    {
        // Difference array: +size at the first step, -size after the last.
        var delta = new long[steps + 1];
        for (int b = 0; b < problem.Count; b++)
        {
            delta[Math.Clamp(problem.First[b], 0, steps)] += problem.Sizes[b];
            delta[Math.Clamp(problem.Last[b] + 1, 0, steps)] -= problem.Sizes[b];
        }
        var live = new long[steps];
        long sum = 0;
        for (int t = 0; t < steps; t++) live[t] = sum += delta[t];
        return live;
    }

    /// <summary>max over steps of <see cref="LiveBytes"/> (0 for an empty problem).</summary>
    public static long Compute(OffsetProblem problem, int steps) => LiveBytes(problem, steps).DefaultIfEmpty(0).Max();
}
