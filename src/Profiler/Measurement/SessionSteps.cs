using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Profiling.Costs;
using GpuEngine.Quantization;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// One step of what a session runs, as a profile counts it: a step of the memory plan (a kernel, an int8 addsum-mode
/// requantize, a view), or a conversion an int8 session runs outside the plan (the input's Quantize, the output's Dequantize).
/// </summary>
/// <param name="Name">The step's name; its launches' node has the same name (a view launches nothing).</param>
/// <param name="Covers">The model layers the step belongs to.</param>
/// <param name="Cost">Analytic cost for the session's data types.</param>
/// <param name="InPlan">False for the int8 edge conversions, which no model layer's own cost includes.</param>
/// <param name="PlanIndex">The plan step's index (what <see cref="LaunchEvent.Step"/> names); null for the edges.</param>
/// <param name="Node">The node the step runs (for the edges, the quantization pass's conversion node).</param>
internal sealed record SessionStep(string Name, string Type, IReadOnlyList<string> Covers, LayerCost Cost, StepMemory Memory, bool InPlan,
    int? PlanIndex, Node Node);

/// <summary>The steps of a session in execution order, and the model layers' costs for its precision.</summary>
internal static class SessionSteps
{
    public static IReadOnlyList<SessionStep> Of(InferenceSession session)
    {
        var graph = session.ExecutionGraph;
        var plan = session.Plan;
        var precision = CostPrecision.Of(session.Plan.Options);
        var costs = graph.Nodes.SelectMany(n => CostModel.Steps(graph, n, precision)).ToDictionary(c => c.Layer);
        var planned = plan.Steps.Select(s => new SessionStep(s.Name, s.TypeName, s.Node.Layers, costs[s.Name], StepMemory.At(plan, s.Index), InPlan: true,
            s.Index, s.Node));
        // The edges run before the first and after the last step, each writing a buffer of its own beside the arena.
        SessionStep Edge(Node node, long level)
        {
            var op = (ConversionOp)node.Op;
            var cost = ConversionCost.Count(node.Name, op, graph.Tensor(node.Inputs[0]).Shape);
            return new SessionStep(node.Name, op.TypeName, node.Layers, cost, StepMemory.Outside(level, cost.MemW), InPlan: false, null, node);
        }
        // The edges are the quantization pass's nodes: read from the session's program, not from its launches.
        if (session.Program.Int8 is not { } int8) return [.. planned];
        return [Edge(int8.Quantize, StepMemory.Level(plan.Inputs)), .. planned, Edge(int8.Dequantize, StepMemory.Level(plan.Outputs))];
    }

    /// <summary>
    /// The step a launch event belongs to: by the plan step index it carries, or for an edge conversion by its node
    /// (the same object the session launched); no names are matched.
    /// </summary>
    public static Func<LaunchEvent, SessionStep> Lookup(IReadOnlyList<SessionStep> steps)
    {
        var byIndex = steps.Where(s => s.PlanIndex is not null).ToDictionary(s => s.PlanIndex!.Value);
        var edges = new Dictionary<Node, SessionStep>(ReferenceEqualityComparer.Instance);
        foreach (var edge in steps.Where(s => s.PlanIndex is null)) edges[edge.Node] = edge;
        return e => e.Step is int index ? byIndex[index]
            : edges.TryGetValue(e.Node, out var edge) ? edge
            : throw new GpuEngineException($"launch {e.Index} ({e.Kernel.Name}) belongs to no step of the session's program");
    }

    /// <summary>
    /// Every model layer's cost for the session's data types, by name; an edge conversion's cost (and an int8 layout
    /// conversion's) is added to the one layer it belongs to, so the layers add up to everything the session runs.
    /// </summary>
    public static Dictionary<string, LayerCost> LayerCosts(InferenceSession session, IReadOnlyList<SessionStep> steps)
    {
        var model = session.Model;
        var precision = CostPrecision.Of(session.Plan.Options);
        var costs = model.Nodes.ToDictionary(n => n.Name, n => CostModel.Layer(model, n, precision));
        // So are the layout pass's conversions (plan steps of no model layer): each to the layer it enters or leaves.
        foreach (var edge in steps.Where(s => !s.InPlan || s.Node.Op is Int8LayoutOp))
            if (costs.TryGetValue(edge.Covers[0], out var layer)) costs[edge.Covers[0]] = layer.Plus(edge.Cost);
        return costs;
    }
}
