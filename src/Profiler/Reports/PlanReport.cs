using GpuEngine.Planning;

namespace GpuEngine.Profiling.Reports;

/// <summary>
/// A memory plan as reports: the tensors (bytes, offset, lifetime), the steps (bytes alive at each) and the
/// weights region. The plan's totals (arena_bytes, lower_bound_bytes, naive_bytes, weights_bytes) are facts,
/// so JSON carries them as top-level keys.
/// </summary>
public static class PlanReport
{
    /// <summary>Keys are an interface (CSV headers, JSON keys): never rename; append new ones.</summary>
    public static IReadOnlyList<ReportColumn> TensorColumns { get; } =
    [
        new("tensor", "tensor", ColumnKind.Text),
        new("role", "role", ColumnKind.Text),
        new("placement", "placement", ColumnKind.Text),
        new("dtype", "dtype", ColumnKind.Text),
        new("shape", "shape", ColumnKind.Text),
        new("bytes", "bytes"),
        new("offset", "offset"),
        new("end", "end (aligned)"),
        new("first_step", "first"),
        new("last_step", "last"),
        new("first_op", "first op", ColumnKind.Text),
        new("last_op", "last op", ColumnKind.Text),
        new("buffer", "buffer"),
    ];

    public static IReadOnlyList<ReportColumn> StepColumns { get; } =
    [
        new("step", "step"),
        new("op", "op", ColumnKind.Text),
        new("type", "type", ColumnKind.Text),
        new("kind", "kind", ColumnKind.Text),
        new("output", "output", ColumnKind.Text),
        new("live_bytes", "bytes alive"),
        new("live_tensors", "tensors alive"),
        new("high_water", "top of live buffers"),
    ];

    public static IReadOnlyList<ReportColumn> WeightColumns { get; } =
    [
        new("weight", "weight", ColumnKind.Text),
        new("dtype", "dtype", ColumnKind.Text),
        new("shape", "shape", ColumnKind.Text),
        new("bytes", "bytes"),
        new("offset", "offset"),
    ];

    /// <summary>What every rendering states under the figures.</summary>
    public static IEnumerable<string> Conventions(MemoryPlan plan) =>
    [
        $"offsets and sizes in bytes; every offset is a multiple of {plan.Options.Alignment} and every buffer reserves its bytes rounded up to it.",
        "steps are kernel launches in execution order; a tensor is alive from the step that writes it to the last step that reads it (graph outputs to the last step).",
        "lower_bound_bytes = the largest total of aligned buffer bytes alive at one step, given the plan's views and in-place reuse: no offsets can do better (docs/planner.md).",
        "naive_bytes = every tensor that is not a view in its own aligned buffer, no reuse; weights are a separate region (weights_bytes).",
        "views (Flatten, inference Dropout) share their input's bytes; ReLU, ReLU6, BatchNorm2d and Add write over an input that dies at that step.",
        plan.Options.Precision == Precision.Int8
            ? "int8: the graph input stays float32 (the first kernel quantizes it), activations are int8, addsum temporaries int32; int8 weights, int32 biases."
            : "fp32: every activation and weight is float32.",
    ];

    public static Report Summary(MemoryPlan plan, string title, IReadOnlyList<ReportColumn> columns, string rowsKey)
    {
        var report = new Report(title, columns, rowsKey)
            .AddFact("model", plan.Graph)
            .AddFact("input", string.Join(", ", plan.Inputs.Select(i => i.Shape.ToString())))
            .AddFact("precision", plan.Options.Precision.ToString().ToLowerInvariant())
            .AddFact("mode", plan.Options.Precision == Precision.Int8 ? plan.Options.Mode.ToString().ToLowerInvariant() : "n/a")
            .AddFact("alignment", plan.Options.Alignment)
            .AddFact("arena_bytes", plan.ArenaBytes)
            .AddFact("lower_bound_bytes", plan.LowerBoundBytes)
            .AddFact("arena_over_bound", Math.Round(plan.Ratio, 6))
            .AddFact("naive_bytes", plan.NaiveBytes)
            .AddFact("greedy_by_size_bytes", plan.GreedyBySizeBytes)
            .AddFact("weights_bytes", plan.WeightsBytes)
            .AddFact("step_count", plan.Steps.Count)
            .AddFact("tensor_count", plan.Tensors.Count)
            .AddFact("buffer_count", plan.Buffers.Count)
            .AddFact("strategy", plan.Strategy)
            .AddFact("planning_ms", Math.Round(plan.PlanningTime.TotalMilliseconds, 1));
        report.Notes.AddRange(Conventions(plan));
        return report;
    }

    public static Report Tensors(MemoryPlan plan)
    {
        var report = Summary(plan, $"Memory plan of {plan.Graph}: tensors", TensorColumns, "tensors");
        string Op(int step) => plan.Steps.Count == 0 ? "" : plan.Steps[step].Name;
        foreach (var t in plan.Tensors)
        {
            report.AddRow(t.Name, Name(t.Role), Name(t.Placement), t.DataType.ToString().ToLowerInvariant(), t.Shape.ToString(), t.Bytes,
                t.Offset, plan.Buffers[t.Buffer].End, t.FirstStep, t.LastStep,
                t.Role == TensorRole.GraphInput ? "(input)" : Op(t.FirstStep), t.Role == TensorRole.GraphOutput ? "(output)" : Op(t.LastStep), t.Buffer);
        }
        return report;
    }

    public static Report Steps(MemoryPlan plan)
    {
        var report = Summary(plan, $"Memory plan of {plan.Graph}: bytes alive per step", StepColumns, "steps");
        foreach (var s in plan.Steps)
        {
            var live = plan.Buffers.Where(b => b.IsAliveAt(s.Index)).ToList();
            report.AddRow(s.Index, s.Name, s.TypeName, Name(s.Kind), s.Output, plan.LiveBytes[s.Index], plan.AliveAt(s.Index).Count(),
                live.Count == 0 ? 0 : live.Max(b => b.End));
        }
        return report;
    }

    public static Report Weights(MemoryPlan plan)
    {
        var report = Summary(plan, $"Memory plan of {plan.Graph}: weights region", WeightColumns, "weights");
        foreach (var w in plan.Weights)
            report.AddRow(w.Name, w.DataType.ToString().ToLowerInvariant(), w.Shape.ToString(), w.Bytes, w.Offset);
        return report;
    }

    private static string Name<T>(T value) where T : Enum => value.ToString() switch
    {
        "GraphInput" => "input",
        "GraphOutput" => "output",
        "InPlace" => "in-place",
        var s => s.ToLowerInvariant(),
    };
}
