using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Profiling.Costs;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// One step of what a session runs, as a profile counts it: a step of the memory plan (a kernel, an int8 addsum-mode
/// requantize, a view), or a conversion an int8 session runs outside the plan (the input's Quantize, the output's Dequantize).
/// </summary>
/// <param name="Name">The step's name; its launches' node has the same name (a view launches nothing).</param>
/// <param name="Covers">The model layers the step belongs to.</param>
/// <param name="Cost">Analytic cost for the session's data types.</param>
/// <param name="InPlan">False for the int8 edge conversions, which no model layer's own cost includes.</param>
internal sealed record SessionStep(string Name, string Type, IReadOnlyList<string> Covers, LayerCost Cost, StepMemory Memory, bool InPlan);

/// <summary>The steps of a session in execution order, and the model layers' costs for its precision.</summary>
internal static class SessionSteps
{
    public static IReadOnlyList<SessionStep> Of(InferenceSession session)
    {
        var graph = session.ExecutionGraph;
        var plan = session.Plan;
        var precision = CostPrecision.Of(session.Options);
        var costs = graph.Nodes.SelectMany(n => CostModel.Steps(graph, n, precision)).ToDictionary(c => c.Layer);
        var planned = plan.Steps.Select(s => new SessionStep(s.Name, s.TypeName, s.Node.Layers, costs[s.Name], StepMemory.At(plan, s.Index), InPlan: true));
        // The edges run before the first and after the last step, each writing a buffer of its own beside the arena.
        SessionStep Edge(Node node, long level)
        {
            var op = (ConversionOp)node.Op;
            var cost = ConversionCost.Count(node.Name, op, graph.Tensor(node.Inputs[0]).Shape);
            return new SessionStep(node.Name, op.TypeName, node.Layers, cost, StepMemory.Outside(level, cost.MemW), InPlan: false);
        }
        var edges = session.Launches.Select(l => l.Node).Where(n => n.Op is QuantizeOp or DequantizeOp).ToList();
        return
        [
            .. edges.Where(n => n.Op is QuantizeOp).Select(n => Edge(n, StepMemory.Level(plan.Inputs))),
            .. planned,
            .. edges.Where(n => n.Op is DequantizeOp).Select(n => Edge(n, StepMemory.Level(plan.Outputs))),
        ];
    }

    /// <summary>
    /// Every model layer's cost for the session's data types, by name; an edge conversion's cost is added to the one
    /// layer it belongs to, so the layers add up to everything the session runs.
    /// </summary>
    public static Dictionary<string, LayerCost> LayerCosts(InferenceSession session, IReadOnlyList<SessionStep> steps)
    {
        var model = session.Model;
        var precision = CostPrecision.Of(session.Options);
        var costs = model.Nodes.ToDictionary(n => n.Name, n => CostModel.Layer(model, n, precision));
        foreach (var edge in steps.Where(s => !s.InPlan)) costs[edge.Covers[0]] = costs[edge.Covers[0]].Plus(edge.Cost);
        return costs;
    }
}
