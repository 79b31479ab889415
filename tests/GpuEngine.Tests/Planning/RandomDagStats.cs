using GpuEngine.Planning;

namespace GpuEngine.Tests.Planning;

/// <summary>How often random DAGs reach the bound, per strategy (printed; asserts only the ordering).</summary>
public sealed class RandomDagStats(ITestOutputHelper output)
{
    [Fact]
    public void SearchIsNeverWorseThanGreedyBySize()
    {
        int n = 0, greedyAtBound = 0, oursAtBound = 0, better = 0;
        double worst = 1;
        for (int seed = 1000; seed < 1400; seed++)
        {
            var graph = RandomGraphs.Dag(seed, nodes: 10 + seed % 30, spatial: 1 + seed % 4);
            var plan = MemoryPlanner.Plan(graph, new PlanOptions { Alignment = 16 });
            n++;
            if (plan.GreedyBySizeBytes == plan.LowerBoundBytes) greedyAtBound++;
            if (plan.ArenaBytes == plan.LowerBoundBytes) oursAtBound++;
            if (plan.ArenaBytes < plan.GreedyBySizeBytes) better++;
            worst = Math.Max(worst, plan.Ratio);
            Assert.True(plan.ArenaBytes <= plan.GreedyBySizeBytes);
        }
        output.WriteLine($"{n} random DAGs: greedy-by-size at the bound {greedyAtBound}, planner at the bound {oursAtBound}, planner better than greedy-by-size {better}, worst arena/bound {worst:F4}");
    }
}
