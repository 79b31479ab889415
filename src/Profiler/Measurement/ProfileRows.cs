using GpuEngine.Ir;
using GpuEngine.Profiling.Costs;

namespace GpuEngine.Profiling.Measurement;

/// <summary>The rows of each report type, from the measured kernels, the analytic costs and the plan's memory.</summary>
internal static class ProfileRows
{
    /// <summary>One row per launch. A node with several launches gets its analytic cost on its first one.</summary>
    public static List<ProfileRow> Tape(SessionProfile profile)
    {
        var graph = profile.Session.ExecutionGraph;
        var memory = MemoryByNode(profile);
        var seen = new HashSet<string>();
        return [.. profile.Kernels.Select(k =>
        {
            var node = k.Launch.Node;
            var cost = seen.Add(node.Name) ? CostModel.Layer(graph, node) : null;
            return new ProfileRow(node.Name, node.Op.TypeName, k.Launch.Kernel.Name, string.Join('+', node.Layers),
                graph.InputShape(node).ToString(), graph.OutputShape(node).ToString(), cost, k.Latency, memory[node.Name])
            {
                MeasuredBytes = profile.MeasuredBytes?[k.Index],
            };
        })];
    }

    /// <summary>One row per model layer; kernels' times split among the layers they cover by flops.</summary>
    public static List<ProfileRow> Layers(SessionProfile profile, bool modulesOnly)
    {
        var session = profile.Session;
        var model = session.Model;
        var costs = model.Nodes.ToDictionary(n => n.Name, n => CostModel.Layer(model, n));
        var latency = new Dictionary<string, LatencyStats>();
        var kernels = new Dictionary<string, List<string>>();
        var measured = new Dictionary<string, double>();
        foreach (var k in profile.Kernels)
        {
            foreach (var (layer, share) in Shares(k.Launch.Node, costs))
            {
                if (profile.MeasuredBytes is { } counted) measured[layer] = measured.GetValueOrDefault(layer) + share * counted[k.Index];
                latency[layer] = latency.GetValueOrDefault(layer, LatencyStats.Zero).Plus(k.Latency.Scale(share));
                if (!kernels.TryGetValue(layer, out var names)) kernels[layer] = names = [];
                if (!names.Contains(k.Launch.Kernel.Name)) names.Add(k.Launch.Kernel.Name);
            }
        }
        var memory = new Dictionary<string, StepMemory>();
        var byNode = MemoryByNode(profile);
        foreach (var node in session.ExecutionGraph.Nodes)
        {
            var m = byNode[node.Name];
            var covered = node.Layers.Where(costs.ContainsKey).ToList();
            // Levels hold for every covered layer; the bytes the step adds belong to the layer that writes its output.
            for (int i = 0; i < covered.Count; i++)
                memory[covered[i]] = i == covered.Count - 1 ? m : m with { DevMemAlloc = 0 };
        }
        return [.. model.Nodes.Where(n => !modulesOnly || n.IsModule).Select(n =>
        {
            var c = costs[n.Name];
            return new ProfileRow(n.Name, n.Op.TypeName, string.Join('+', kernels.GetValueOrDefault(n.Name, [])), n.Name,
                c.InShape.ToString(), c.OutShape.ToString(), c, latency.GetValueOrDefault(n.Name, LatencyStats.Zero),
                memory.GetValueOrDefault(n.Name))
            {
                MeasuredBytes = profile.MeasuredBytes is null ? null : measured.GetValueOrDefault(n.Name),
            };
        })];
    }

    /// <summary>The whole model in one row: analytic totals, the per-kernel latencies summed, the peak memory.</summary>
    public static ProfileRow Root(SessionProfile profile)
    {
        var session = profile.Session;
        var model = session.Model;
        var costs = model.Nodes.Select(n => CostModel.Layer(model, n)).ToList();
        var total = new LayerCost(model.Name, "Model", model.Inputs[0].Shape, model.Tensor(model.Outputs[0]).Shape,
            costs.Sum(c => c.Params), costs.Sum(c => c.Flops), costs.Sum(c => c.Macc), costs.Sum(c => c.MemR), costs.Sum(c => c.MemW),
            costs.Sum(c => c.ActBytesInt8), costs.Sum(c => c.AddsumBytesInt32), costs.Sum(c => c.WeightBias), costs.Sum(c => c.WeightBiasReal));
        var latency = profile.Kernels.Aggregate(LatencyStats.Zero, (sum, k) => sum.Plus(k.Latency));
        var steps = StepMemory.Of(session.Plan);
        var memory = new StepMemory(steps.Select(s => s.NetDevMem).DefaultIfEmpty().Max(), steps.Sum(s => s.DevMemAlloc),
            steps.Select(s => s.DevMaxMemAlloc).DefaultIfEmpty().Max());
        return new ProfileRow(model.Name, "Model", $"{profile.Kernels.Count} launches", "", total.InShape.ToString(), total.OutShape.ToString(),
            total, latency, memory)
        {
            MeasuredBytes = profile.MeasuredBytes?.Sum(),
        };
    }

    /// <summary>Each covered layer's share of a kernel's time: by flops, equal where the layers have none.</summary>
    private static IEnumerable<(string Layer, double Share)> Shares(Node node, Dictionary<string, LayerCost> costs)
    {
        var covered = node.Layers.Where(costs.ContainsKey).ToList();
        if (covered.Count == 0) return [];
        double flops = covered.Sum(l => (double)costs[l].Flops);
        return covered.Select(l => (l, flops > 0 ? costs[l].Flops / flops : 1.0 / covered.Count));
    }

    private static Dictionary<string, StepMemory> MemoryByNode(SessionProfile profile)
    {
        var plan = profile.Session.Plan;
        var memory = new Dictionary<string, StepMemory>();
        foreach (var step in plan.Steps) memory.TryAdd(step.Node.Name, StepMemory.At(plan, step.Index));
        return memory;
    }
}
