using GpuEngine.Profiling.Costs;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// The rows of each report type, from the measured kernels, the analytic costs and the plan's memory. Every launch belongs
/// to a <see cref="SessionStep"/> (int8 sessions add steps no graph has: the edge conversions and addsum-mode requantizes),
/// and every step to the model layers it covers, so all report types account for every launch.
/// </summary>
internal static class ProfileRows
{
    /// <summary>
    /// One row per launch. A step with several launches gets its analytic cost and the bytes it adds on its first one
    /// (memory levels on each).
    /// </summary>
    public static List<ProfileRow> Tape(SessionProfile profile)
    {
        var stepOf = SessionSteps.Lookup(SessionSteps.Of(profile.Session));
        var seen = new HashSet<SessionStep>(ReferenceEqualityComparer.Instance);
        return [.. profile.Kernels.Select(k =>
        {
            var step = stepOf(k.Launch);
            bool first = seen.Add(step);
            return new ProfileRow(step.Name, step.Type, k.Launch.Kernel.Name, string.Join('+', step.Covers),
                step.Cost.InShape.ToString(), step.Cost.OutShape.ToString(), first ? step.Cost : null, k.Latency,
                first ? step.Memory : step.Memory with { DevMemAlloc = 0 })
            {
                MeasuredBytes = profile.MeasuredBytes?[k.Index],
            };
        })];
    }

    /// <summary>One row per model layer; kernels' times split among the layers they cover by flops.</summary>
    public static List<ProfileRow> Layers(SessionProfile profile, bool modulesOnly)
    {
        var session = profile.Session;
        var steps = SessionSteps.Of(session);
        var costs = SessionSteps.LayerCosts(session, steps);
        var latency = new Dictionary<string, LatencyStats>();
        var kernels = new Dictionary<string, List<string>>();
        var measured = new Dictionary<string, double>();
        foreach (var k in profile.Kernels)
        {
            foreach (var (layer, share) in Shares(k.Launch.Node.Layers, costs))
            {
                if (profile.MeasuredBytes is { } counted) measured[layer] = measured.GetValueOrDefault(layer) + share * counted[k.Index];
                latency[layer] = latency.GetValueOrDefault(layer, LatencyStats.Zero).Plus(k.Latency.Scale(share));
                if (!kernels.TryGetValue(layer, out var names)) kernels[layer] = names = [];
                if (!names.Contains(k.Launch.Kernel.Name)) names.Add(k.Launch.Kernel.Name);
            }
        }
        var memory = new Dictionary<string, StepMemory>();
        foreach (var step in steps)
        {
            var covered = step.Covers.Where(costs.ContainsKey).ToList();
            for (int i = 0; i < covered.Count; i++)
            {
                // Levels hold for every covered layer; the bytes the step adds belong to the layer that writes its output.
                var m = i == covered.Count - 1 ? step.Memory : step.Memory with { DevMemAlloc = 0 };
                memory[covered[i]] = memory.TryGetValue(covered[i], out var earlier) ? earlier.Then(m) : m;
            }
        }
        return [.. session.Model.Nodes.Where(n => !modulesOnly || n.IsModule).Select(n =>
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
        var steps = SessionSteps.Of(session);
        var total = LayerCost.Sum(model.Name, "Model", model.Inputs[0].Shape, model.Tensor(model.Outputs[0]).Shape,
            SessionSteps.LayerCosts(session, steps).Values);
        var latency = profile.Kernels.Aggregate(LatencyStats.Zero, (sum, k) => sum.Plus(k.Latency));
        return new ProfileRow(model.Name, "Model", $"{profile.Kernels.Count} launches", "", total.InShape.ToString(), total.OutShape.ToString(),
            total, latency, WholeRun(steps))
        {
            MeasuredBytes = profile.MeasuredBytes?.Sum(),
        };
    }

    /// <summary>The memory of a whole run: the highest level, every step's added bytes, the highest peak.</summary>
    public static StepMemory WholeRun(IReadOnlyList<SessionStep> steps) => new(
        steps.Select(s => s.Memory.NetDevMem).DefaultIfEmpty().Max(), steps.Sum(s => s.Memory.DevMemAlloc),
        steps.Select(s => s.Memory.DevMaxMemAlloc).DefaultIfEmpty().Max());

    /// <summary>Each covered layer's share of a kernel's time: by flops, equal where the layers have none.</summary>
    private static IEnumerable<(string Layer, double Share)> Shares(IReadOnlyList<string> layers, Dictionary<string, LayerCost> costs)
    {
        var covered = layers.Where(costs.ContainsKey).ToList();
        if (covered.Count == 0) return [];
        double flops = covered.Sum(l => (double)costs[l].Flops);
        return covered.Select(l => (l, flops > 0 ? costs[l].Flops / flops : 1.0 / covered.Count));
    }
}
