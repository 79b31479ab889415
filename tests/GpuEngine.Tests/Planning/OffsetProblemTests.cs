using GpuEngine.Planning;

namespace GpuEngine.Tests.Planning;

/// <summary>The offset assigner and the bound on bare packing problems, against exhaustive search.</summary>
public sealed class OffsetProblemTests
{
    /// <summary>Random intervals over a few steps with sizes of 1-3 units.</summary>
    private static OffsetProblem Random(int seed, int count, int steps)
    {
        var rng = new Random(seed);
        var sizes = new long[count];
        var first = new int[count];
        var last = new int[count];
        for (int i = 0; i < count; i++)
        {
            sizes[i] = 1 + rng.Next(3);
            first[i] = rng.Next(steps);
            last[i] = first[i] + rng.Next(steps - first[i]);
        }
        return new OffsetProblem(sizes, first, last);
    }

    /// <summary>The smallest arena over every assignment of integer offsets (exhaustive; tiny problems only).</summary>
    private static long Optimum(OffsetProblem p)
    {
        long total = p.Sizes.Sum(), best = total;
        var offsets = new long[p.Count];
        void Search(int b, long top)
        {
            if (top >= best) return;
            if (b == p.Count)
            {
                best = top;
                return;
            }
            for (long o = 0; o + p.Sizes[b] <= best; o++)
            {
                bool clash = false;
                for (int c = 0; c < b && !clash; c++)
                    clash = p.Overlap(b, c) && o < offsets[c] + p.Sizes[c] && offsets[c] < o + p.Sizes[b];
                if (clash) continue;
                offsets[b] = o;
                Search(b + 1, Math.Max(top, o + p.Sizes[b]));
            }
        }
        Search(0, 0);
        return best;
    }

    [Fact]
    public void TheBoundNeverExceedsTheOptimumAndTheAssignerIsValid()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            var p = Random(seed, count: 2 + seed % 5, steps: 1 + seed % 5);
            long bound = LowerBound.Compute(p, steps: 6);
            long optimum = Optimum(p);
            var solution = OffsetAssigner.Assign(p, bound, hillClimbIterations: 50, seed: 1);
            Assert.True(bound <= optimum, $"seed {seed}: bound {bound} > optimum {optimum}");
            Assert.True(solution.ArenaBytes >= optimum, $"seed {seed}: arena {solution.ArenaBytes} < optimum {optimum}: invalid packing");
            for (int a = 0; a < p.Count; a++)
            {
                for (int b = a + 1; b < p.Count; b++)
                {
                    bool bytes = solution.Offsets[a] < solution.Offsets[b] + p.Sizes[b] && solution.Offsets[b] < solution.Offsets[a] + p.Sizes[a];
                    Assert.False(p.Overlap(a, b) && bytes, $"seed {seed}: buffers {a} and {b} overlap while both alive");
                }
            }
        }
    }

    [Fact]
    public void HillClimbNeverLosesAndSometimesWins()
    {
        int wins = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            var p = Random(seed, count: 12 + seed % 20, steps: 10);
            long bound = LowerBound.Compute(p, steps: 10);
            var greedy = OffsetAssigner.Assign(p, bound, hillClimbIterations: 0, seed: 1);
            var climbed = OffsetAssigner.Assign(p, bound, hillClimbIterations: 400, seed: 1);
            Assert.True(climbed.ArenaBytes <= greedy.ArenaBytes);
            Assert.True(climbed.ArenaBytes <= climbed.GreedyBySizeBytes);
            if (climbed.Strategy.EndsWith("+hill-climb", StringComparison.Ordinal)) wins++;
        }
        Assert.True(wins > 0, "the hill climb never improved a plan: it is not being exercised");
    }

    [Fact]
    public void ChainsOfIntervalsReachTheBound()
    {
        // Buffer i is alive at steps i and i+1, as the activations of a plain chain of ops.
        for (int seed = 0; seed < 300; seed++)
        {
            var rng = new Random(seed);
            int n = 2 + seed % 40;
            var sizes = Enumerable.Range(0, n).Select(_ => (long)(1 + rng.Next(1000))).ToArray();
            var p = new OffsetProblem(sizes, [.. Enumerable.Range(0, n)], [.. Enumerable.Range(1, n)]);
            long bound = LowerBound.Compute(p, n + 1);
            Assert.Equal(bound, OffsetAssigner.Assign(p, bound, hillClimbIterations: 0, seed: 1).ArenaBytes);
        }
    }
}
