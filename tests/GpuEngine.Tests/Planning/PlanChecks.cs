using GpuEngine.Planning;

namespace GpuEngine.Tests.Planning;

/// <summary>
/// Independent checks of a plan, written without the planner's own code paths: a byte-level simulation
/// of the run, and the lower bound recomputed from the tensors.
/// </summary>
internal static class PlanChecks
{
    /// <summary>
    /// Runs the plan symbolically over the arena (per alignment granule): each step checks that every input's bytes still
    /// hold that input's data, then writes its output's data id (a view writes nothing: it names the same
    /// data). A kernel whose output overlaps an input must be an in-place op writing exactly over that input.
    /// At the end every graph output must still be intact. Catches any two live tensors that overlap.
    /// </summary>
    public static void Simulate(MemoryPlan plan)
    {
        // One cell per alignment granule: buffers reserve whole granules, so two buffers never share one.
        long granule = plan.Options.Alignment;
        var owner = new int[(plan.ArenaBytes + granule - 1) / granule];
        Array.Fill(owner, -1);
        var dataOf = new Dictionary<string, int>();
        int next = 0;
        void Write(PlannedTensor t, int id)
        {
            Assert.True(t.Offset % plan.Options.Alignment == 0, $"{t.Name} at {t.Offset} is not aligned");
            Assert.True(t.Offset + t.Bytes <= plan.ArenaBytes, $"{t.Name} ends past the arena");
            for (long i = t.Offset / granule; i < (t.Offset + t.Bytes + granule - 1) / granule; i++) owner[i] = id;
            dataOf[t.Name] = id;
        }
        void Check(PlannedTensor t, string when)
        {
            int id = dataOf[t.Name];
            for (long i = t.Offset / granule; i < (t.Offset + t.Bytes + granule - 1) / granule; i++)
            {
                // The message is built only on failure: this loop runs once per byte.
                if (owner[i] != id) Assert.Fail($"{when}: bytes {i * granule}.. of '{t.Name}' were overwritten");
            }
        }
        foreach (var input in plan.Inputs) Write(input, next++);
        foreach (var step in plan.Steps)
        {
            var output = plan.Tensor(step.Output);
            for (int k = 0; k < step.Inputs.Count; k++)
            {
                var input = plan.Tensor(step.Inputs[k]);
                Check(input, $"step {step.Index} ({step.Name})");
                bool overlaps = input.Offset < output.Offset + output.Bytes && output.Offset < input.Offset + input.Bytes;
                if (step.Kind == StepKind.Kernel && overlaps)
                {
                    Assert.True(InPlaceRules.CanWriteOver(step.Node.Op, k), $"{step.Name} writes over its input '{input.Name}' but may not");
                    Assert.Equal(input.Offset, output.Offset);
                    Assert.Equal(input.Bytes, output.Bytes);
                }
                else if (step.Kind != StepKind.View) Assert.False(overlaps, $"{step.Name}: output overlaps input '{input.Name}'");
            }
            if (step.Kind == StepKind.View)
            {
                var input = plan.Tensor(step.Inputs[0]);
                Assert.Equal(input.Offset, output.Offset);
                dataOf[output.Name] = dataOf[input.Name];
            }
            else Write(output, next++);
        }
        foreach (var o in plan.Outputs) Check(o, "after the last step");
    }

    /// <summary>The bound recomputed by brute force: for each step, the distinct buffers with a tensor alive, summed.</summary>
    public static long BruteForceBound(MemoryPlan plan)
    {
        long best = 0;
        for (int s = 0; s < Math.Max(plan.Steps.Count, 1); s++)
        {
            var alive = plan.Tensors.Where(t => t.FirstStep <= s && s <= t.LastStep).Select(t => t.Buffer).Distinct();
            best = Math.Max(best, alive.Sum(b => plan.Buffers[b].AlignedBytes));
        }
        return best;
    }
}
