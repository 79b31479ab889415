using System.Diagnostics;
using GpuEngine.Ir;

namespace GpuEngine.Planning;

/// <summary>
/// Plans the memory of a graph (after fusion): execution steps, lifetimes, views and in-place reuse,
/// offsets in one arena, the lower bound, and the weights region. See docs/planner.md.
/// </summary>
public static class MemoryPlanner
{
    public static MemoryPlan Plan(Graph graph, PlanOptions? options = null)
    {
        options ??= new PlanOptions();
        options.Validate();
        var clock = Stopwatch.StartNew();
        var (steps, drafts) = ExecutionSteps.Build(graph, options);
        var (buffers, bufferOf, placements) = BufferSharing.Assign(steps, drafts, options);
        int stepCount = Math.Max(steps.Count, 1);

        var problem = new OffsetProblem([.. buffers.Select(b => b.AlignedBytes)], [.. buffers.Select(b => b.First)], [.. buffers.Select(b => b.Last)]);
        var live = LowerBound.LiveBytes(problem, stepCount);
        long bound = live.DefaultIfEmpty(0).Max();
        var solution = OffsetAssigner.Assign(problem, bound, options.HillClimbIterations, options.Seed);

        var planned = buffers.Select(b => new PlannedBuffer(b.Index, solution.Offsets[b.Index], b.AlignedBytes, b.First, b.Last,
            [.. b.Tensors.Select(t => drafts[t].Name)])).ToList();
        var tensors = drafts.Select((d, i) => new PlannedTensor(d.Name, d.Shape, d.DataType, d.Bytes, solution.Offsets[bufferOf[i]],
            d.First, d.Last, bufferOf[i], d.Role, placements[i])).ToList();
        long naive = drafts.Where((_, i) => placements[i] != Placement.Alias).Sum(d => options.Align(d.Bytes));
        var weights = WeightsLayout.Build(graph, options);
        return new MemoryPlan(graph.Name, options, steps, tensors, planned, weights, solution.ArenaBytes, bound, naive, solution.GreedyBySizeBytes, live,
            solution.Strategy, clock.Elapsed);
    }
}
