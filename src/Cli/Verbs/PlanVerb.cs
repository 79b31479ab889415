using System.Text.Json;
using System.Text.Json.Nodes;
using CommandLine;
using GpuEngine.Execution;
using GpuEngine.Planning;
using GpuEngine.Profiling.Plots;
using GpuEngine.Profiling.Reports;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine plan</c>: the explicit memory plan of a model — every tensor's offset and lifetime in one
/// arena, the bytes alive per step, arena against lower bound and no-reuse bytes, the weights region.
/// </summary>
[Verb("plan", HelpText = "Memory plan: tensor offsets and lifetimes in one arena, bytes alive per op, arena vs lower bound (table, csv, json, md; png or svg: the timeline plot).")]
public sealed class PlanVerb : ModelOptions, ICommand
{
    [Option("mode", Default = Int8Mode.Fused, HelpText = "int8 only: fused (int32 addsum in registers) or addsum (every Conv2d/Linear writes an int32 addsum, then requantizes).")]
    public Int8Mode Mode { get; set; }

    [Option("alignment", Default = 256, HelpText = "Byte alignment of every offset (a power of two).")]
    public int Alignment { get; set; }

    [Option("reparam", HelpText = "Re-parameterize train-time RepVGG blocks first, as 'run --reparam' does (always done for int8).")]
    public bool Reparameterize { get; set; }

    [Option("fuse", HelpText = "Kept for old scripts: the plan is of the optimized graph by default now; --fuse also re-parameterizes (as --reparam).")]
    public bool Fuse { get; set; }

    [Option("unoptimized", HelpText = "Plan the graph as given (no re-parameterization, BatchNorm folding or activation fusion) instead of what a session runs.")]
    public bool Unoptimized { get; set; }

    [Option("rows", Default = "all", HelpText = "Which rows: tensors, steps, weights, or all (csv needs one of the first three; all = tensors for csv).")]
    public string Rows { get; set; } = "all";

    public int Execute(CommandContext context)
    {
        var plot = PlotImage.Parse(Format);
        var format = plot is not null ? Profiling.Reports.ReportFormat.Table : ReportFormat("png", "svg");
        PlotOutput.Check(plot, Output);
        var rows = Rows.Trim().ToLowerInvariant();
        if (rows is not ("all" or "tensors" or "steps" or "weights"))
            throw new GpuEngineException($"--rows '{Rows}' is not one of tensors, steps, weights, all");
        if (Precision == Planning.Precision.Fp32 && Mode == Int8Mode.Addsum)
            throw new GpuEngineException("--mode addsum needs --precision int8");
        if (Unoptimized && (Fuse || Reparameterize)) throw new GpuEngineException("--unoptimized plans the graph as given; leave out --fuse and --reparam");
        // The session's own pipeline (ModelCompiler), so this is the plan 'run' and 'profile' execute with the same options.
        var plan = ModelCompiler.Compile(LoadGraph(), SessionOptions()).Plan;
        if (plot is PlotFormat image)
        {
            PlotOutput.Write(context, PlotImage.Render(MemoryTimelinePlot.Create(plan), image), Output, Force);
            return 0;
        }
        WriteOutput(context, w =>
        {
            if (format == Profiling.Reports.ReportFormat.Json) WriteJson(plan, rows, w);
            else if (format == Profiling.Reports.ReportFormat.Csv) ReportWriter.Write(Select(plan, rows == "all" ? "tensors" : rows), format, w);
            else
            {
                foreach (var part in rows == "all" ? ["tensors", "steps"] : new[] { rows })
                {
                    ReportWriter.Write(Select(plan, part), format, w);
                    w.WriteLine();
                }
            }
        });
        return 0;
    }

    /// <summary>The session options 'run' would build for the same model options (int8 runs the deploy form).</summary>
    private SessionOptions SessionOptions() => new()
    {
        Precision = Precision,
        Int8Mode = Mode,
        Reparameterize = !Unoptimized && (Reparameterize || Fuse || Precision == Planning.Precision.Int8),
        OptimizeGraph = !Unoptimized,
        Plan = new PlanOptions { Alignment = Alignment },
    };

    private static Report Select(MemoryPlan plan, string rows) => rows switch
    {
        "steps" => PlanReport.Steps(plan),
        "weights" => PlanReport.Weights(plan),
        _ => PlanReport.Tensors(plan),
    };

    /// <summary>One JSON object: the plan's facts (arena_bytes, lower_bound_bytes, naive_bytes, weights_bytes, ...) and the row arrays asked for.</summary>
    private static void WriteJson(MemoryPlan plan, string rows, TextWriter w)
    {
        JsonObject? root = null;
        foreach (var part in rows == "all" ? ["tensors", "steps", "weights"] : new[] { rows })
        {
            var text = new StringWriter();
            ReportWriter.WriteJson(Select(plan, part), text);
            var node = JsonNode.Parse(text.ToString())!.AsObject();
            if (root is null)
            {
                root = node;
                root["title"] = $"Memory plan of {plan.Graph}";
            }
            else root[part] = node[part]!.DeepClone();
        }
        w.WriteLine(root!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
